#!/usr/bin/env bash
# `taupage check` on the 100-line example and on the documentation's example, beside the
# validators a user could run instead on an equivalent config: ignition-validate (Ignition) and
# `cloud-init schema` (cloud-init), each on both configs written in its own format
# (scripts/bench/data/; Ignition has no ext3, so /data1 is ext4 there). Wall time is the mean over
# repeated runs; peak memory is the maximum resident set size from GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/deps.sh scripts/packages/bench
data=scripts/bench/data

mean_ms() { # runs command N times; prints mean wall milliseconds
  local n=$1; shift
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  awk -v t=$((end - start)) -v n="$n" 'BEGIN { printf "%.2f", t / n / 1e6 }'
}
peak_kib() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

row() { # label runs command...
  local label=$1 n=$2; shift 2
  printf '%-48s %10s ms %8s KiB\n' "$label" "$(mean_ms "$n" "$@")" "$(peak_kib "$@")"
}

printf '%-48s %13s %12s\n' "validator (same machine, same run)" "mean wall" "peak RSS"
row "taupage check examples/webshop.yaml (100 lines)" 200 build/taupage check examples/webshop.yaml
row "taupage check tests/data/doc-example.yaml" 200 build/taupage check tests/data/doc-example.yaml
row "ignition-validate webshop.ign" 100 ignition-validate "$data/webshop.ign"
row "cloud-init schema --config-file webshop.cloud-config" 5 cloud-init schema --config-file "$data/webshop.cloud-config"
row "ignition-validate doc-example.ign" 100 ignition-validate "$data/doc-example.ign"
row "cloud-init schema --config-file doc-example.cloud-config" 5 cloud-init schema --config-file "$data/doc-example.cloud-config"
printf '\nbuild/taupage: %s bytes, %s\n' "$(stat -c %s build/taupage)" "$(file -b build/taupage | cut -d, -f1-4)"
