#!/usr/bin/env bash
# Usage: fuzz/run-all.sh [SECONDS]   (default 30)
#
# Builds every fuzz target once, then runs them one at a time for SECONDS each and prints the
# executions per target. New inputs go to a temporary corpus seeded from fuzz/corpus/<target>,
# so the committed corpus only ever changes by hand. A crash leaves its input in
# fuzz/artifacts/<target>/; the script runs the remaining targets and exits non-zero.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); RUSTC_BOOTSTRAP=1 lets stable Rust
# accept the sanitizer flags.
set -euo pipefail

seconds="${1:-30}"
case "$seconds" in
'' | *[!0-9]*)
    echo "usage: $0 [SECONDS]" >&2
    exit 2
    ;;
esac

cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1

cargo fuzz build
targets="$(cargo fuzz list)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
printf '%-20s %14s  %s\n' target executions result
for target in $targets; do
    mkdir -p "$work/$target"
    log="$work/$target.log"
    if cargo fuzz run "$target" "$work/$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    if [ -z "$runs" ]; then
        runs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)"
    fi
    printf '%-20s %14s  %s\n' "$target" "${runs:-?}" "$result"
    if [ "$result" != ok ]; then
        sed -n '/panicked at\|==ERROR\|SUMMARY\|Test unit written\|Base64/p' "$log" | sed 's/^/    /'
        tail -n 25 "$log" | sed 's/^/    | /'
    fi
done
exit "$status"
