#!/usr/bin/env bash
# `make fuzz-campaign`: the long campaign of issue 15. Runs each libFuzzer target in turn (never two
# at once, under nice -n 19: the machine is shared), fastest first, until FUZZ_RUNS executions
# or FUZZ_MAX_SECONDS, whichever comes first; then
#   - merges what it found with the committed corpus into tests/fuzz/corpus/<target>/ (libFuzzer
#     -merge=1: the smallest set of inputs that keeps every feature the seeds do not already give),
#   - copies every crasher (crash-, leak-, timeout-, oom-) to tests/fuzz/regressions/<target>/,
#   - appends a row to the ledger tests/fuzz/campaign.tsv: when, target, executions, seconds,
#     edges, features, corpus files, findings.
# The bar counts over the whole ledger: a target that already ran 10^7 executions or an hour in
# earlier runs is skipped, and one that ran part of it runs only the rest. A run goes on from the
# committed corpus and the working one under build/fuzz/campaign/<target>/corpus, so the runs of
# several sessions add up to one campaign, as OSS-Fuzz's many short runs do.
# Environment: FUZZ_RUNS (10000000), FUZZ_MAX_SECONDS (3600), FUZZ_TARGETS (names, a subset),
# FUZZ_UNTIL (unix time; no target runs past it: the campaign ends with what it reached),
# FUZZ_AGAIN=1 (run the full FUZZ_RUNS / FUZZ_MAX_SECONDS whatever the ledger says).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${FUZZ_RUNS:-10000000}
max_seconds=${FUZZ_MAX_SECONDS:-3600}
until_ts=${FUZZ_UNTIL:-0}
order="md dns http netlink probe json xml config docker imds s3"

declare -A bin_of
for bin in "$@"; do bin_of[$(basename "$bin" _fuzz)]=$bin; done
names=()
for name in $order; do [ -n "${bin_of[$name]:-}" ] && names+=("$name"); done
for name in "${!bin_of[@]}"; do [[ " $order " == *" $name "* ]] || names+=("$name"); done
if [ -n "${FUZZ_TARGETS:-}" ]; then
  wanted=" $FUZZ_TARGETS "
  kept=(); for name in "${names[@]}"; do [[ "$wanted" == *" $name "* ]] && kept+=("$name"); done
  names=("${kept[@]}")
fi

out=build/fuzz/campaign
mkdir -p "$out"
ledger=tests/fuzz/campaign.tsv
[ -f "$ledger" ] || printf 'ended_utc\ttarget\texecutions\tseconds\tedges\tfeatures\tcorpus_files\tfindings\n' > "$ledger"

# ledger_sum TARGET COLUMN: the sum of a numeric column over the target's rows.
ledger_sum() { awk -F'\t' -v t="$1" -v c="$2" 'NR > 1 && $2 == t { s += $c } END { print s + 0 }' "$ledger"; }

status=0
for name in "${names[@]}"; do
  bin=${bin_of[$name]}
  work=$out/$name
  mkdir -p "$work/corpus" "$work/crashes"
  seeds=tests/fuzz/seeds/$name committed=tests/fuzz/corpus/$name
  dirs=("$work/corpus")
  [ -d "$seeds" ] && dirs+=("$seeds")
  [ -d "$committed" ] && dirs+=("$committed")
  target_runs=$runs seconds=$max_seconds
  if [ "${FUZZ_AGAIN:-0}" != 1 ]; then
    done_runs=$(ledger_sum "$name" 3) done_seconds=$(ledger_sum "$name" 4)
    if [ "$done_runs" -ge "$runs" ] || [ "$done_seconds" -ge "$max_seconds" ]; then
      echo "== $name: the bar is reached ($done_runs executions in ${done_seconds}s over the ledger)"
      continue
    fi
    target_runs=$((runs - done_runs)) seconds=$((max_seconds - done_seconds))
  fi
  if [ "$until_ts" -gt 0 ]; then
    left=$((until_ts - $(date +%s)))
    [ "$left" -lt "$seconds" ] && seconds=$left
    if [ "$seconds" -lt 30 ]; then echo "== $name: not run, the campaign's time is up"; continue; fi
  fi
  echo "== $name: up to $target_runs executions or ${seconds}s ($(date -u +%H:%M:%S))"
  start=$(date +%s)
  nice -n 19 "$bin" -runs="$target_runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix="$work/crashes/" -print_final_stats=1 "${dirs[@]}" > "$work/fuzz.log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -E '^stat::number_of_executed_units' "$work/fuzz.log" | tail -1 | grep -oE '[0-9]+$')
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$work/fuzz.log" | tail -1 | tr -d '#')
  cov=$(grep -oE 'cov: [0-9]+' "$work/fuzz.log" | tail -1 | grep -oE '[0-9]+')
  ft=$(grep -oE 'ft: [0-9]+' "$work/fuzz.log" | tail -1 | grep -oE '[0-9]+')

  # Crashers become regression inputs, named by the kind libFuzzer gave them.
  findings=()
  for crash in "$work"/crashes/*; do
    [ -f "$crash" ] || continue
    mkdir -p "tests/fuzz/regressions/$name"
    cp "$crash" "tests/fuzz/regressions/$name/"
    findings+=("$(basename "$crash")")
  done
  if [ $rc -ne 0 ]; then
    status=1
    echo "   $name stopped on a finding (exit $rc); the end of $work/fuzz.log:"
    grep -E 'ERROR: |SUMMARY: |runtime error|==ERROR' "$work/fuzz.log" | head -5 | sed 's/^/   | /'
  fi

  # The committed corpus: a fresh merge of everything, minus what the seeds already hold.
  merged=$work/merged
  rm -rf "$merged" && mkdir -p "$merged"
  [ -d "$seeds" ] && cp "$seeds"/* "$merged"/ 2>/dev/null
  nice -n 19 "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 -max_len=16384 "$merged" "$work/corpus" ${committed:+$([ -d "$committed" ] && echo "$committed")} \
    > "$work/merge.log" 2>&1 || echo "   merge of $name failed, see $work/merge.log"
  [ -d "$seeds" ] && for seed in "$seeds"/*; do rm -f "$merged/$(basename "$seed")"; done
  rm -rf "$committed" && mkdir -p "$committed" && cp "$merged"/* "$committed"/ 2>/dev/null
  corpus_files=$(find "$committed" -type f | wc -l)

  row="$(date -u +%Y-%m-%dT%H:%M:%SZ)\t$name\t${execs:-0}\t$elapsed\t${cov:-0}\t${ft:-0}\t$corpus_files\t${#findings[@]}${findings:+ (${findings[*]})}"
  printf '%b\n' "$row" >> "$ledger"
  printf '   %b\n' "$row"
done

# The campaign so far, per target: every run of the ledger added up; edges are the latest run's.
echo
echo "| target | executions | seconds | exec/s | edges | runs | findings | bar (10^7 or ${max_seconds}s) |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
awk -F'\t' -v runs="$runs" -v max="$max_seconds" 'NR > 1 {
    if (!($2 in n)) order[++k] = $2
    n[$2]++; e[$2] += $3; s[$2] += $4; cov[$2] = $5; f[$2] += $8 + 0
  } END {
    for (i = 1; i <= k; i++) { t = order[i]
      printf "| %s | %d | %d | %d | %d | %d | %d | %s |\n", t, e[t], s[t], s[t] ? e[t] / s[t] : 0, cov[t], n[t], f[t],
        (e[t] >= runs || s[t] >= max) ? "reached" : "not yet" }
  }' "$ledger"
exit $status
