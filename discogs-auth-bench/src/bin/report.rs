//! Prints the benchmark tables from criterion's saved estimates.
//!
//! `cargo run -p discogs-auth-bench --bin report -- [<target-dir>/criterion] [run …]`
//! (default directory: `$CARGO_TARGET_DIR/criterion`, else `target/criterion`; default run:
//! `new`, criterion's latest). Runs are the names given to `--save-baseline`; with several,
//! each figure is the median over them of what one run measured.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map_or_else(
        || {
            let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
            PathBuf::from(target).join("criterion")
        },
        PathBuf::from,
    );
    let runs: Vec<String> = args.collect();
    let runs: Vec<&str> = if runs.is_empty() {
        vec!["new"]
    } else {
        runs.iter().map(String::as_str).collect()
    };
    print!("{}", discogs_auth_bench::report::render(&dir, &runs));
}
