#!/usr/bin/env bash
# Instructions per call for both sides of every pair the targets name (the pairs the `signing`
# bench times interleaved), counted by `valgrind --tool=callgrind`: unlike a time, the count is
# the same on every run whatever else the machine is doing, so two builds can be compared.
# Each call is counted as (Ir of 6,000 calls − Ir of 1,000 calls) / 5,000, which takes away the
# set-up. Prints a Markdown table. A few minutes.
#
#   bash discogs-auth-bench/instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

bench=$(cargo bench -p discogs-auth-bench --bench signing --no-run 2>&1 |
  sed -n 's/.*Executable benches\/signing.rs (\(.*\))/\1/p')
[ -x "$bench" ] || { echo "could not find the signing bench executable" >&2; exit 1; }

collected() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --calls "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_call() {
  local few many
  few=$(collected "$1" 1000)
  many=$(collected "$1" 6000)
  echo $(((many - few) / 5000))
}

echo "| case | contender | baseline | contender (instructions) | baseline (instructions) | ratio |"
echo "|---|---|---|---|---|---|"
"$bench" --list-pairs | while IFS=$'\t' read -r label contender baseline; do
  ours=$(per_call "$contender")
  theirs=$(per_call "$baseline")
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
  echo "| $label | ${contender#*/} | ${baseline#*/} | $ours | $theirs | ${ratio}× |"
done
