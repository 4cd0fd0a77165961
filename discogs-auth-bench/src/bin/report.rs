//! Prints the benchmark tables from criterion's saved estimates.
//!
//! `cargo run -p discogs-auth-bench --bin report -- <target-dir>/criterion`
//! (default: `$CARGO_TARGET_DIR/criterion`, else `target/criterion`).

use std::path::PathBuf;

fn main() {
    let dir = std::env::args_os().nth(1).map_or_else(
        || {
            let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
            PathBuf::from(target).join("criterion")
        },
        PathBuf::from,
    );
    print!("{}", discogs_auth_bench::report::render(&dir));
}
