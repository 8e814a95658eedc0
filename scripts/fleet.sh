#!/usr/bin/env bash
# make fleet: FLEET_N (default 500) Taupage instances booting at once against one AWS account
# whose request limits are AWS's (tests/standin/fleet_standin.py --throttle aws: EC2's token
# buckets, KMS's quota, a CloudFormation limit). Each instance is its own: its instance id and
# IMDS, an EBS volume with its own Name (attached through the stand-in, its disk appearing in the
# instance's fake sysfs), a KMS secret and a CloudFormation signal. Each runs its boot as a
# machine does, with the real build/taupage: the early stage's volumes step, the rest of the early
# stage in throwaway network and mount namespaces (nothing of the host is touched), the system
# stage, then the late stage's secrets and notify. The same fleet runs once per retry mode
# (FLEET_MODES, default "standard adaptive naive": the SDK-style client against a naive one with fixed
# retries, TAUPAGE_RETRY_MODE=naive; "adaptive" adds the SDKs' adaptive mode, AWS_RETRY_MODE=adaptive;
# "single" is another: AWS_MAX_ATTEMPTS=1, so that only the
# steps' own loops retry). Then the volume race: FLEET_RACE_N (default 50) instances,
# two per volume, each volume ending attached to exactly one of them.
# Results: a table per run on stdout and in $FLEET_OUT (default build/fleet/results.md).
set -uo pipefail
cd "$(dirname "$0")/.."
TAUPAGE=${TAUPAGE_BIN:-$PWD/build/taupage}
N=${FLEET_N:-500}
MODES=${FLEET_MODES:-standard adaptive naive}
RACE_N=${FLEET_RACE_N:-50}
OUT=${FLEET_OUT:-$PWD/build/fleet}
WORK=$(mktemp -d /tmp/fleet.XXXXXX)
STANDIN_PID=
stop_standin() {
  [ -n "$STANDIN_PID" ] && kill "$STANDIN_PID" 2>/dev/null && wait "$STANDIN_PID" 2>/dev/null
  STANDIN_PID=
}
cleanup() { stop_standin; [ "${FLEET_KEEP:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT
# Hundreds of connections at once, on both sides.
ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null || true
mkdir -p "$OUT"
[ -x "$TAUPAGE" ] || { echo "fleet: $TAUPAGE is missing (make build/taupage)"; exit 1; }

# start_fleet NAME COUNT VOLUMES_PER_NAME_SPEC: a stand-in and COUNT instances under $WORK/NAME.
# SPEC "own": instance k has volume fleet-k; "pairs": instance k asks for race-((k-1) % (COUNT/2) + 1).
start_fleet() {
  local name=$1 count=$2 spec=$3
  D=$WORK/$name
  S=$D/standin
  mkdir -p "$S"
  python3 scripts/fleet_setup.py layout "$D" "$count" "$spec" || return 1
  python3 tests/standin/fleet_standin.py --dir "$S" --attach-delay 1 --throttle aws > "$D/standin.log" 2>&1 &
  STANDIN_PID=$!
  for _ in $(seq 300); do [ -f "$S/ready" ] && break; sleep 0.1; done
  if [ ! -f "$S/ready" ]; then cat "$D/standin.log"; return 1; fi
  # One secret per instance, encrypted through botocore before the clock starts.
  python3 scripts/fleet_setup.py configs "$D" "$count" "$spec" || return 1
}

# instance DIR MODE VOLUME_TIMEOUT WHAT: one machine's boot (WHAT: boot, or volumes for the early
# stage's volumes step alone); its exit code in DIR/rc.
instance() {
  local i=$1 mode=$2 timeout=$3 what=$4
  local id; id=$(cat "$i/id")
  local env_line
  env_line="PATH=/usr/bin:/bin $(sed 's/^export //' "$S/env" | sed "s|^\(AWS_EC2_METADATA_SERVICE_ENDPOINT=.*\)$|\1/$id|" | tr '\n' ' ')"
  [ "$mode" = naive ] && env_line="$env_line TAUPAGE_RETRY_MODE=naive"
  # The SDKs' adaptive mode: standard plus a client-side rate limiter fed by throttling answers.
  [ "$mode" = adaptive ] && env_line="$env_line AWS_RETRY_MODE=adaptive"
  # One retry layer: no attempts inside an AWS call, each step's own loop alone waits out throttling.
  [ "$mode" = single ] && env_line="$env_line AWS_MAX_ATTEMPTS=1"
  local boot="$TAUPAGE boot --config $i/user-data.yaml --state-dir $i/state --root $i/root"
  # shellcheck disable=SC2086
  {
    env -i $env_line $boot --stage early --only volumes --sysfs "$i/sys" --dev "$i/dev" --volume-timeout "$timeout" &&
      if [ "$what" = boot ]; then
        unshare --net --mount --propagation private env -i $env_line $boot --stage early --only firewall,raid,mounts --sysfs "$i/sys" --dev "$i/dev" &&
          env -i $env_line $boot --stage system &&
          env -i $env_line $boot --stage late --only secrets,notify
      fi
  } > "$i/log" 2>&1
  echo $? > "$i/rc"
}

# launch COUNT MODE VOLUME_TIMEOUT WHAT: every instance at once, then wait for all.
launch() {
  local count=$1 mode=$2 timeout=$3 what=$4
  date +%s.%N > "$D/t0"
  for k in $(seq "$count"); do
    instance "$D/i/$k" "$mode" "$timeout" "$what" &
  done
  wait_instances "$count"
  date +%s.%N > "$D/t1"
}
wait_instances() {
  for k in $(seq "$1"); do
    while [ ! -f "$D/i/$k/rc" ]; do sleep 0.5; done
  done
}

echo "fleet: $N instances at once, retry modes: $MODES; then the volume race with $RACE_N instances"
: > "$OUT/results.md"
for mode in $MODES; do
  start_fleet "fleet-$mode" "$N" own || { echo "fleet: the stand-in did not start"; exit 1; }
  echo "fleet: $mode: launching $N instances"
  launch "$N" "$mode" 1200 boot
  stop_standin
  python3 scripts/fleet_setup.py report "$D" "$N" "$mode" | tee -a "$OUT/results.md"
done

start_fleet race "$RACE_N" pairs || { echo "fleet: the stand-in did not start"; exit 1; }
echo "fleet: volume race: $RACE_N instances, $((RACE_N / 2)) volumes, two instances per Name"
launch "$RACE_N" standard "${FLEET_RACE_TIMEOUT:-30}" volumes
stop_standin
python3 scripts/fleet_setup.py race "$D" "$RACE_N" | tee -a "$OUT/results.md"
grep -q '^fleet-verdict: FAIL' "$OUT/results.md" && exit 1
exit 0
