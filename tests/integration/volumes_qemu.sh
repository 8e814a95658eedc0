#!/usr/bin/env bash
# Taupage's volumes step on a real kernel with real hot-plug: the EC2 stand-in
# (tests/standin/volumes_standin.py, signatures checked by botocore) answers AttachVolume and, 2 s
# later, plugs an NVMe disk with the volume's serial into the running QEMU guest through QMP. The
# guest reaches IMDS at the real 169.254.169.254 and EC2 over HTTPS through QEMU's user network,
# restricted to those two forwards. Two boots, the guest half in tests/qemu-guest/guest-volumes.sh:
#   volumes-first   two volumes attached, RAID 0, mounted; one held by "another instance" for 20 s;
#                   two with one Name refused; one attached that never becomes a disk
#   volumes-reboot  the attached volumes are there at boot: kept, assembled, the data still there
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh
work=$(mktemp -d /tmp/volumes-qemu.XXXXXX)
standin_pid=
cleanup() {
  [ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
qemu_logs=build/volumes-qemu
mkdir -p "$qemu_logs"
export STORAGE_INITRD=$PWD/build/storage-qemu/initramfs.cpio.gz
qemu_initramfs
# shellcheck disable=SC2034  # read by scripts/storage/qemu.sh (qemu_run_phase)
token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

# The stand-in: the guest sees the host as 169.254.169.2, and EC2 there on port 443.
standin=$work/standin
mkdir -p "$standin" "$work/images"
cat > "$standin/volumes.json" <<'J'
[{"id": "vol-0a11000000000000a", "name": "data-a", "size": 1},
 {"id": "vol-0a11000000000000b", "name": "data-10.0.0.12", "size": 1},
 {"id": "vol-0a11000000000000c", "name": "late", "size": 1, "holder": "i-0previous00000001", "release_after_seen": 20},
 {"id": "vol-0a11000000000000d", "name": "twin"}, {"id": "vol-0a11000000000000e", "name": "twin"},
 {"id": "vol-0a11000000000000f", "name": "ghost", "never_plug": true},
 {"id": "vol-0b22000000000000a", "name": "data-a", "az": "eu-central-1b"}]
J
echo "{\"qmp\": \"$work/qmp.sock\", \"images\": \"$work/images\", \"size_mb\": 128}" > "$standin/plug.json"
python3 tests/standin/volumes_standin.py --dir "$standin" --attach-delay 2 --san 169.254.169.100 > "$work/standin.log" 2>&1 &
standin_pid=$!
for _ in $(seq 150); do [ -f "$standin/ready" ] && break; sleep 0.1; done
if [ ! -f "$standin/ready" ]; then flunk standin "$(tail -5 "$work/standin.log")"; finish; fi
port() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$standin/ports.json" "$1"; }

# What the guest gets on top of the test initramfs: the EC2 endpoint and the CA (a second cpio,
# which the kernel unpacks over the first).
mkdir -p "$work/overlay/etc/taupage-test"
cp "$standin/ca.pem" "$work/overlay/etc/taupage-test/ca.pem"
echo "export AWS_ENDPOINT_URL_EC2=https://169.254.169.100" > "$work/overlay/etc/taupage-test/env"
(cd "$work/overlay" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/overlay.cpio.gz"
cat "$STORAGE_INITRD" "$work/overlay.cpio.gz" > "$work/initrd"
STORAGE_INITRD=$work/initrd
# shellcheck disable=SC2034,SC2054  # read by scripts/storage/qemu.sh; the commas are QEMU's
STORAGE_QEMU_EXTRA=(
  -netdev "user,id=n0,net=169.254.169.0/24,restrict=on,guestfwd=tcp:169.254.169.254:80-cmd:busybox nc 127.0.0.1 $(port imds),guestfwd=tcp:169.254.169.100:443-cmd:busybox nc 127.0.0.1 $(port ec2)"
  -device virtio-net-pci,netdev=n0,romfile=
  -qmp "unix:$work/qmp.sock,server=on,wait=off")

events=$standin/volume-events.jsonl
# event_check NAME PYTHON: the Python (reading `ev`, the stand-in's events) exits 0 for a pass.
event_check() {
  local name=$1 code=$2
  if python3 -c "import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
def of(kind, vid=None): return [e for e in ev if e['event'] == kind and (vid is None or e.get('volume') == vid)]
$code" "$events" > "$work/check.out" 2>&1; then pass "$name"; else flunk "$name" "$(tail -2 "$work/check.out")"; fi
}

qemu_run_phase tests/qemu-guest/guest-volumes.sh volumes-first
event_check "first/both-requests-before-either-attached" "
a, b = of('AttachVolume', 'vol-0a11000000000000a'), of('AttachVolume', 'vol-0a11000000000000b')
sys.exit(0 if len(a) == 1 and len(b) == 1 and max(a[0]['t'], b[0]['t']) < min(e['t'] for e in of('attached')) else 1)"
event_check "first/hot-plugged-with-serials" "
plugged = {e['volume']: e['serial'] for e in of('plugged')}
sys.exit(0 if plugged == {v: v.replace('-', '') for v in ('vol-0a11000000000000a', 'vol-0a11000000000000b', 'vol-0a11000000000000c')} else 1)"
event_check "first/late-attached-only-after-release" "
attach, released = of('AttachVolume', 'vol-0a11000000000000c'), of('released', 'vol-0a11000000000000c')
sys.exit(0 if len(attach) == 1 and 'code' not in attach[0] and released and attach[0]['t'] > released[0]['t'] else 1)"
event_check "first/nothing-asked-for-twins-or-other-zone" "
sys.exit(0 if not [e for e in of('AttachVolume') if e['volume'] in ('vol-0a11000000000000d', 'vol-0a11000000000000e', 'vol-0b22000000000000a')] else 1)"
event_check "first/ghost-attached-never-plugged" "
sys.exit(0 if of('attached', 'vol-0a11000000000000f') and not of('plugged', 'vol-0a11000000000000f') else 1)"
if python3 -c 'import json, sys; sys.exit(0 if all(json.loads(l)["status"] == 200 for l in open(sys.argv[1])) else 1)' "$standin/requests.jsonl"; then
  pass "first/every-request-signed-and-answered"
else
  flunk "first/every-request-signed-and-answered" "$(grep -v '"status": 200' "$standin/requests.jsonl" | head -3)"
fi

# The reboot: EC2 keeps the attachments, so the disks are there when the instance starts.
attached=()
while read -r serial image; do attached+=("nvme:$serial:$image"); done < <(
  python3 -c 'import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event"] == "plugged": print(e["serial"], e["image"])' "$events")
attach_count=$(grep -c '"event": "AttachVolume"' "$events")
qemu_run_phase tests/qemu-guest/guest-volumes.sh volumes-reboot "${attached[@]}"
if [ "$(grep -c '"event": "AttachVolume"' "$events")" = "$attach_count" ]; then
  pass "reboot/no-AttachVolume"
else
  flunk "reboot/no-AttachVolume" "the reboot asked EC2 to attach again"
fi
finish
