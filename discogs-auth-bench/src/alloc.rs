//! A global allocator that counts, per thread, the allocations it serves.
//!
//! Install it in a test or bench binary:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOCATOR: discogs_auth_bench::alloc::CountingAllocator =
//!     discogs_auth_bench::alloc::CountingAllocator;
//! ```
//!
//! then [`count_allocations`] tells how many heap allocations a closure made on the calling
//! thread. Counting per thread keeps other threads (a test harness, a server) out of the figure.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    // `const`-initialised and without a destructor: reading it never allocates, so the
    // allocator can use it without recursing into itself.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// [`System`], counting every `alloc`, `alloc_zeroed` and `realloc` of the calling thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAllocator;

fn count_one() {
    // `try_with` fails only while the thread is being torn down; nothing is counted then.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// `GlobalAlloc` is an unsafe trait; this impl only forwards to `System` (whose contract it
// inherits unchanged) after bumping a thread-local counter.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: same layout, forwarded as received.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: same layout, forwarded as received.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation goes there).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: `ptr` was allocated by `System` with `layout`; arguments forwarded as received.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Runs `f` and returns its result with the number of heap allocations (including
/// reallocations) it made on this thread. Meaningful only where [`CountingAllocator`] is the
/// global allocator; otherwise the count is 0.
pub fn count_allocations<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = ALLOCATIONS.with(Cell::get);
    let result = f();
    let after = ALLOCATIONS.with(Cell::get);
    (result, after - before)
}
