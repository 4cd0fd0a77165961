//! The stand-in's clock: the system clock, moved forward on demand.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use discogs_auth_core::{Clock, SystemClock, Timestamp};

/// The stand-in's clock: the system clock plus an offset that only grows, so tests can jump
/// past expiries and windows without sleeping.
///
/// Every clone reads the same offset, so a client can sign with exactly the time the stand-in
/// checks against (it implements the core's [`Clock`]):
///
/// ```
/// use discogs_auth_standin::StandIn;
/// let standin = StandIn::spawn()?;
/// let clock = standin.clock();
/// standin.advance_clock(3600);
/// assert!(clock.now().seconds_since(discogs_auth_core::Timestamp::now()) >= 3599);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct StandInClock {
    offset_seconds: Arc<AtomicU64>,
}

impl StandInClock {
    /// The stand-in's current time.
    pub fn now(&self) -> Timestamp {
        SystemClock
            .now()
            .saturating_add(self.offset_seconds.load(Ordering::Relaxed))
    }

    pub(crate) fn advance(&self, seconds: u64) {
        // `fetch_update` with a closure that always returns `Some` cannot fail.
        let _ = self
            .offset_seconds
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(seconds))
            });
    }
}

impl Clock for StandInClock {
    fn now(&self) -> Timestamp {
        StandInClock::now(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone_forward() {
        let clock = StandInClock::default();
        let other = clock.clone();
        let before = clock.now();
        clock.advance(16 * 60);
        let after = other.now();
        assert!(after.seconds_since(before) >= 16 * 60);
        assert!(after.seconds_since(before) <= 16 * 60 + 2);
        clock.advance(u64::MAX);
        assert!(clock.now() >= after);
    }
}
