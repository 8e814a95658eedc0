#!/usr/bin/env bash
# `make fuzz`: runs each libFuzzer target for a bounded time on its seed corpus
# (tests/fuzz/seeds/<name>/), with new inputs collected under build/fuzz/corpus/<name>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=$1; shift
status=0
for bin in "$@"; do
  name=$(basename "$bin" _fuzz)
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus" build/fuzz/crashes
  seeds=tests/fuzz/seeds/$name
  [ -d "$seeds" ] || seeds=""
  echo "== fuzz $name for ${seconds}s"
  # shellcheck disable=SC2086  # $seeds: the seed folder, or nothing
  if "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=20000 \
       -artifact_prefix=build/fuzz/crashes/"$name"- -print_final_stats=1 "$corpus" $seeds \
       > "build/fuzz/$name.log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "build/fuzz/$name.log" | tail -2
  else
    status=1
    echo "fuzz $name FAILED; the crashing input is in build/fuzz/crashes/:"
    tail -40 "build/fuzz/$name.log"
  fi
done
exit $status
