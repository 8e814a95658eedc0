#!/usr/bin/env bash
# Time to apply the firewall of a config with 20 ports (10 TCP, 10 UDP, plus ssh and the built-in
# rules): `taupage boot --only firewall` against `nft -f` with the same rules (read back from what
# Taupage wrote, so the two rule lists are identical), each run in its own fresh network namespace
# (unshare -n), alternating, in the same run. Both replace the table atomically: nft's file starts
# with the usual `table` + `delete table` idiom. Figures are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$PWD/build/taupage
runs=${FIREWALL_BENCH_RUNS:-30}
work=$(mktemp -d /tmp/fw-bench-XXXXXX)
# Reports go to a tmpfs, as they do at boot (/run/taupage), so that no fsync to disk is timed.
state=$(mktemp -d /dev/shm/fw-bench-state-XXXXXX)
trap 'rm -rf "$work" "$state"' EXIT

{
  printf '#taupage-ami-config\napplication_id: fw-bench\napplication_version: "1"\nruntime: Docker\n'
  printf 'source: registry.example.org/team/app:1\nports:\n'
  for i in $(seq 0 9); do printf '  %d: %d\n' $((8000 + i)) $((8000 + i)); done
  for i in $(seq 0 9); do printf '  %d/udp: %d\n' $((9000 + i)) $((9000 + i)); done
  printf 'ssh_ports: [22]\n'
} > "$work/user-data.yaml"

# The same rules in nft syntax: what nft reads back after Taupage applied them once.
unshare -n bash -c "'$bin' boot --stage early --only firewall --config '$work/user-data.yaml' --state-dir '$state' >/dev/null 2>&1 && nft list ruleset" > "$work/rules.nft"
rules=$(grep -c ' comment "' "$work/rules.nft")
{ printf 'table inet taupage\ndelete table inet taupage\n'; cat "$work/rules.nft"; } > "$work/replace.nft"

# One timed apply in a fresh namespace; prints microseconds.
time_one() {
  unshare -n bash -c 't0=$(date +%s%N); "$@" >/dev/null 2>&1 || exit 1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 ))' _ "$@"
}

taupage_us=()
nft_us=()
for _ in $(seq "$runs"); do
  taupage_us+=("$(time_one "$bin" boot --stage early --only firewall --config "$work/user-data.yaml" --state-dir "$state")")
  nft_us+=("$(time_one nft -f "$work/replace.nft")")
done

summary() { # microseconds... -> "median mean min"
  printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1; s+=$1} END {printf "%.2f %.2f %.2f\n", v[int((NR+1)/2)]/1000, s/NR/1000, v[1]/1000}'
}
read -r t_med t_mean t_min < <(summary "${taupage_us[@]}")
read -r n_med n_mean n_min < <(summary "${nft_us[@]}")
echo "firewall: apply a ruleset of $rules rules (20 ports), $runs runs each, fresh network namespace per run"
printf '  %-44s median %7s ms  mean %7s ms  min %7s ms\n' "taupage boot --stage early --only firewall" "$t_med" "$t_mean" "$t_min"
printf '  %-44s median %7s ms  mean %7s ms  min %7s ms\n' "nft -f (same rules, table replaced)" "$n_med" "$n_mean" "$n_min"
awk -v t="$t_med" -v n="$n_med" 'BEGIN {printf "  nft / taupage (median): %.1fx\n", n / t}'
