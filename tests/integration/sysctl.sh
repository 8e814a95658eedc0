#!/usr/bin/env bash
# The sysctl step against the real kernel: `taupage boot --stage system --only sysctl --root /`
# inside a fresh network namespace, where /proc/sys/net is the namespace's own, so that only
# per-namespace keys (net.core.somaxconn, net.ipv4.ip_local_port_range) are written and the
# host's values are checked unchanged. Ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."

TAUPAGE=${TAUPAGE_BIN:-$PWD/build/taupage}
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok    $1"; }
bad() { failed=$((failed + 1)); echo "FAIL  $1"; [ $# -gt 1 ] && echo "      $2"; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got $(printf %q "$2"), want $(printf %q "$3")"; fi; }
contains() { if [[ "$2" == *"$3"* ]]; then ok "$1"; else bad "$1" "no $(printf %q "$3") in: $(echo "$2" | tail -5)"; fi; }

NS=taupage-sysctl-$$
DIR=$(mktemp -d /tmp/taupage-sysctl.XXXXXX)
finish() {
  ip netns del "$NS" 2>/dev/null
  rm -rf "$DIR"
  echo "$passed passed, $failed failed"
  [ $failed -eq 0 ]
}
trap finish EXIT

if [ ! -x "$TAUPAGE" ]; then bad "taupage binary at $TAUPAGE"; exit 1; fi
if ! ip netns add "$NS"; then bad "network namespace $NS"; exit 1; fi
in_ns() { ip netns exec "$NS" "$@"; }
HOST_SOMAXCONN=$(cat /proc/sys/net/core/somaxconn)
HOST_RANGE=$(cat /proc/sys/net/ipv4/ip_local_port_range)
# Values that differ from what a fresh namespace starts with.
WANT_SOMAXCONN=$(( $(in_ns cat /proc/sys/net/core/somaxconn) + 7 ))

head='#taupage-ami-config
application_id: sysctl-app
application_version: "1"
runtime: Docker
source: registry.example.org/team/app:1.0'
printf '%s\nsysctl:\n  net.core.somaxconn: %s\n  net.ipv4.ip_local_port_range: "20000 40000"\n' "$head" "$WANT_SOMAXCONN" > "$DIR/good.yaml"
# boot FILE [OPTIONS...]: the system stage's sysctl step in the namespace; sets RC and OUT.
boot() {
  local file=$1; shift
  OUT=$(in_ns "$TAUPAGE" boot --config "$file" --stage system --only sysctl --root / --state-dir "$DIR/state" "$@" 2>&1)
  RC=$?
}
mkdir -p "$DIR/state"

plan=$("$TAUPAGE" plan "$DIR/good.yaml" 2>&1)
contains "plan: each key, its /proc/sys file and line" "$plan" "net.core.somaxconn = $WANT_SOMAXCONN (/proc/sys/net/core/somaxconn) (line 7)"

boot "$DIR/good.yaml" --dry-run
check "dry run: exit 0" "$RC" 0
check "dry run: nothing written" "$(in_ns cat /proc/sys/net/core/somaxconn)" "$((WANT_SOMAXCONN - 7))"

boot "$DIR/good.yaml"
check "boot: exit 0" "$RC" 0
check "boot: net.core.somaxconn in the namespace" "$(in_ns cat /proc/sys/net/core/somaxconn)" "$WANT_SOMAXCONN"
check "boot: net.ipv4.ip_local_port_range (several fields)" "$(in_ns cat /proc/sys/net/ipv4/ip_local_port_range | tr -s '\t ' ' ')" "20000 40000"
check "report: sysctl changed" "$(jq -r '.steps[0].step + " " + .steps[0].outcome' "$DIR/state/report-system.json")" "sysctl changed"
check "the host's own values are untouched" "$(cat /proc/sys/net/core/somaxconn) $(cat /proc/sys/net/ipv4/ip_local_port_range)" \
  "$HOST_SOMAXCONN $HOST_RANGE"

boot "$DIR/good.yaml"
check "second boot: kept" "$RC $(jq -r '.steps[0].outcome' "$DIR/state/report-system.json")" "0 kept"

# A key this kernel lacks: the step fails before writing anything, so somaxconn stays.
in_ns sh -c 'echo 100 > /proc/sys/net/core/somaxconn'
printf '%s\nsysctl:\n  net.core.somaxconn: 200\n  net.ipv4.conf.taupage-none0.arp_ignore: 1\n' "$head" > "$DIR/missing.yaml"
boot "$DIR/missing.yaml"
check "a key this kernel lacks: exit 1" "$RC" 1
contains "a key this kernel lacks: named with its line" "$OUT" "net.ipv4.conf.taupage-none0.arp_ignore (line 8): this kernel has no such setting"
check "a key this kernel lacks: nothing was written" "$(in_ns cat /proc/sys/net/core/somaxconn)" 100

# A value the kernel refuses (somaxconn is an int): the kernel's answer, named.
printf '%s\nsysctl:\n  net.core.somaxconn: lots\n' "$head" > "$DIR/refused.yaml"
boot "$DIR/refused.yaml"
check "a value the kernel refuses: exit 1" "$RC" 1
contains "a value the kernel refuses: said so" "$OUT" "net.core.somaxconn = lots (line 7): the kernel refused it (write /proc/sys/net/core/somaxconn: Invalid argument)"

# Keys outside the rule never reach a boot: check names key, line and column.
printf '%s\nsysctl:\n  kernel.core_pattern: "|/tmp/x"\n  net.ipv4.conf.all.rp_filter: 0\n' "$head" > "$DIR/refused-keys.yaml"
out=$("$TAUPAGE" check "$DIR/refused-keys.yaml" 2>&1)
check "check: refused keys exit 1" "$?" 1
contains "check: kernel.core_pattern with its line and column" "$out" \
  "error at \$.sysctl.\"kernel.core_pattern\", line 7 col 3: \"kernel.core_pattern\" cannot be set: it is outside what user data may change"
contains "check: the image's hardening is refused" "$out" "line 8 col 3: \"net.ipv4.conf.all.rp_filter\" cannot be set: it would undo the image's hardening"
boot "$DIR/refused-keys.yaml"
check "boot: refused keys change nothing" "$RC $(in_ns cat /proc/sys/net/core/somaxconn)" "1 100"
