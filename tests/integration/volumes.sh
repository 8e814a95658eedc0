#!/usr/bin/env bash
# Drives the real build/taupage (boot --stage early --only volumes) against the AWS stand-in with
# its EBS additions (tests/standin/volumes_standin.py): EC2 over real TLS with botocore checking
# every signature, and a fake sysfs and /dev that the stand-in fills when an attachment becomes
# attached, as a Nitro instance's kernel does. Scenarios: four volumes at once (all AttachVolume
# requests before the first wait ends, per the stand-in's event log), ${local_ipv4} in a Name,
# a reboot (kept, links remade), an ambiguous Name (nothing attached), a volume held by another
# instance and one being created (waits, says who holds it, then attaches), and the deadline.
set -uo pipefail
cd "$(dirname "$0")/../.."
TAUPAGE=${TAUPAGE_BIN:-$PWD/build/taupage}
WORK=$(mktemp -d /tmp/volumes-it.XXXXXX)
STANDIN_PID=
stop_standin() {
  if [ -n "$STANDIN_PID" ]; then
    kill "$STANDIN_PID" 2>/dev/null
    wait "$STANDIN_PID" 2>/dev/null
  fi
  STANDIN_PID=
}
cleanup() {
  stop_standin
  rm -rf "$WORK"
}
trap cleanup EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }
check() { # name condition-command...
  local name=$1; shift
  if "$@"; then ok "$name"; else bad "$name" "stdout: $(head -c 600 "$WORK/out" 2>/dev/null)" "stderr: $(tail -c 1500 "$WORK/err" 2>/dev/null)"; fi
}

# start_standin NAME ATTACH_DELAY VOLUMES_JSON: a fresh stand-in, sysfs and /dev under $WORK/NAME.
start_standin() {
  stop_standin
  S=$WORK/$1
  SYS=$S/sys
  DEV=$S/dev
  mkdir -p "$S/standin" "$SYS/block/nvme0n1/device" "$DEV"
  # The root disk: an NVMe namespace of its own that must never be taken for a volume.
  echo "vol0root000000000000" > "$SYS/block/nvme0n1/device/serial"
  : > "$DEV/nvme0n1"
  echo "$3" > "$S/standin/volumes.json"
  echo "{\"sysfs\": \"$SYS\", \"dev\": \"$DEV\", \"first\": 1}" > "$S/standin/plug.json"
  python3 tests/standin/volumes_standin.py --dir "$S/standin" --attach-delay "$2" > "$S/standin.log" 2>&1 &
  STANDIN_PID=$!
  for _ in $(seq 150); do [ -f "$S/standin/ready" ] && break; sleep 0.1; done
  if [ ! -f "$S/standin/ready" ]; then
    cat "$S/standin.log"
    echo "$passed passed, $((failed + 1)) failed"
    exit 1
  fi
  ENV_ALL="$(sed 's/^export //' "$S/standin/env" | tr '\n' ' ') $(sed 's/^export //; s/'"'"'//g' "$S/standin/env-credentials" | tr '\n' ' ')"
}

# boot_volumes USER_DATA [options...]: the early stage's volumes step against the stand-in.
boot_volumes() {
  local config=$S/user-data.yaml
  printf '#taupage-ami-config\napplication_id: app\napplication_version: "1"\nruntime: Docker\nsource: nginx:1\n%s\n' "$1" > "$config"
  shift
  rm -rf "$S/state"
  # shellcheck disable=SC2086  # $ENV_ALL: one NAME=VALUE per word, for env
  env -i PATH=/usr/bin:/bin $ENV_ALL timeout 60 "$TAUPAGE" boot --config "$config" --stage early --only volumes \
    --state-dir "$S/state" --sysfs "$SYS" --dev "$DEV" "$@" > "$WORK/out" 2> "$WORK/err"
}
outcome() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print([s for s in r["steps"] if s["step"]=="volumes"][0]["outcome"])' "$S/state/report-early.json" 2>/dev/null; }
events() { python3 - "$S/standin/volume-events.jsonl" "$@"; }
count_attach() { grep -c '"event": "AttachVolume"' "$S/standin/volume-events.jsonl" 2>/dev/null || echo 0; }
link_is() { [ "$(readlink "$DEV/$1")" = "$2" ]; }
err_has() { grep -q -- "$1" "$WORK/err"; }

# --- four volumes at once, one named with ${local_ipv4} ---------------------------------------
start_standin four 2 '[{"id":"vol-0aaa0000000000f01","name":"data-f"},{"id":"vol-0aaa0000000000f02","name":"data-g"},
  {"id":"vol-0aaa0000000000f03","name":"data-h"},{"id":"vol-0aaa0000000000f04","name":"db-10.0.0.12"},
  {"id":"vol-0bbb0000000000001","name":"data-f","az":"eu-central-1b"},
  {"id":"vol-0ccc0000000000001","name":"twin"},{"id":"vol-0ccc0000000000002","name":"twin"},{"id":"vol-0ccc0000000000003","name":"solo"}]'
FOUR='volumes:
  ebs:
    /dev/sdf: data-f
    /dev/sdg: data-g
    /dev/xvdh: data-h
    /dev/sdi: db-${local_ipv4}'
boot_volumes "$FOUR"; rc=$?
check "four volumes: boot exits 0 and reports created" bash -c "[ $rc = 0 ] && [ \"$(outcome)\" = created ]"
check "four volumes: four AttachVolume requests, none for the other zone's volume" \
  bash -c "[ $(count_attach) = 4 ] && ! grep -q vol-0bbb0000000000001 '$S/standin/volume-events.jsonl'"
# (The wait ends when a disk arrives, which is when the stand-in completes an attachment; the step
# no longer needs a DescribeVolumes that sees it.)
check "four volumes: every AttachVolume came before the first wait ended" events <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
attach = [e["t"] for e in ev if e["event"] == "AttachVolume"]
first_done = min(e["t"] for e in ev if e["event"] == "attached")
sys.exit(0 if len(attach) == 4 and max(attach) < first_done else 1)
PY
check "four volumes: /dev/sdX and /dev/xvdX link to the namespace with the volume's serial" bash -c '
  for pair in f:vol0aaa0000000000f01 g:vol0aaa0000000000f02 h:vol0aaa0000000000f03 i:vol0aaa0000000000f04; do
    slot=${pair%%:*}; serial=${pair#*:}
    name=$(readlink "'"$DEV"'/sd$slot") || exit 1
    [ "$(readlink "'"$DEV"'/xvd$slot")" = "$name" ] || exit 1
    [ "$(tr -d " \n" < "'"$SYS"'/block/$name/device/serial")" = "$serial" ] || exit 1
  done'
check "four volumes: the root disk nvme0n1 is no volume's link" bash -c "! ls -l '$DEV' | grep -q -- '-> nvme0n1'"

# --- the reboot: all attached already; /dev is new, so the links are made again -------------
rm -f "$DEV"/sd? "$DEV"/xvd?
boot_volumes "$FOUR"; rc=$?
check "reboot: exit 0, kept, no new AttachVolume" bash -c "[ $rc = 0 ] && [ \"$(outcome)\" = kept ] && [ $(count_attach) = 4 ]"
check "reboot: links made again" link_is sdf "$(readlink "$DEV/xvdf")"

# --- an ambiguous Name: an error listing both, nothing attached (not even the other entry) --
boot_volumes 'volumes:
  ebs:
    /dev/sdj: solo
    /dev/sdk: twin'; rc=$?
check "ambiguous: exit 1 naming both volumes, nothing attached" \
  bash -c "[ $rc = 1 ] && grep -q 'vol-0ccc0000000000001, vol-0ccc0000000000002' '$WORK/err' && [ $(count_attach) = 4 ] && [ \"$(outcome)\" = failed ]"

# --- held by another instance, and being created: wait, say who holds it, then attach -------
start_standin held 1 '[{"id":"vol-0ddd0000000000001","name":"held","holder":"i-0previous00000001","release_after":4},
  {"id":"vol-0ddd0000000000002","name":"fresh","created_after":2},
  {"id":"vol-0ddd0000000000003","name":"stuck","holder":"i-0previous00000002"}]'
boot_volumes 'volumes:
  ebs:
    /dev/sdf: held
    /dev/sdg: fresh'; rc=$?
check "held: exit 0 after the previous instance let go" bash -c "[ $rc = 0 ] && [ \"$(outcome)\" = created ]"
check "held: the wait names the instance holding it" err_has "vol-0ddd0000000000001 is attached to i-0previous00000001"
check "held: the wait says a volume is being created" err_has "vol-0ddd0000000000002 is being created"
check "held: both disks linked" bash -c "[ -n \"\$(readlink '$DEV/sdf')\" ] && [ -n \"\$(readlink '$DEV/sdg')\" ]"

# --- a volume that is never released: fails by --volume-timeout ------------------------------
start=$SECONDS
boot_volumes 'volumes:
  ebs:
    /dev/sdh: stuck' --volume-timeout 3; rc=$?
check "timeout: exit 1 within the deadline, naming the holder, nothing attached" \
  bash -c "[ $rc = 1 ] && [ $((SECONDS - start)) -lt 30 ] && grep -q 'gave up waiting for an available volume' '$WORK/err' \
           && grep -q 'i-0previous00000002' '$WORK/err' && grep -q 'nothing was attached' '$WORK/err'"
boot_volumes 'volumes:
  ebs:
    /dev/sdh: stuck' --volume-timeout 0; rc=$?
check "timeout: --volume-timeout 0 is wrong usage" bash -c "[ $rc = 2 ]"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
