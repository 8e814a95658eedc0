#!/usr/bin/env bash
# The initramfs's time budget on the whole machine: the image of `make image` booted once in QEMU
# (TCG, UEFI) against the stand-ins of scripts/image/machine.sh, with TAUPAGE_INITRAMFS_SECONDS=20
# in /etc/default/taupage and one of the two EBS volumes of a RAID 0 held by another instance
# until the test lets it go. The early stage in the initramfs puts the firewall in place,
# attaches the free volume, stops waiting at its budget and defers volumes, raid and mounts;
# sshd comes up while taupage-deferred.service still waits on the real root (dockerd not started);
# then the holder lets go, the unit finishes the early stage, the container starts on the mounted
# array and CloudFormation hears SUCCESS. Checked from outside (ssh, the stand-in's records) and
# on the console. One boot; no check depends on how long anything takes.
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh   # pass, flunk, finish
source scripts/image/machine.sh
trap machine_stop EXIT
M_LOGS=build/machine-qemu

held=vol-0c0ffee00000000b2
M_VOLUMES='[{"id": "vol-0c0ffee00000000a1", "name": "machine-data-a", "size": 1},
 {"id": "'$held'", "name": "machine-data-b", "size": 1, "status": "in-use",
  "holder": "i-0ther0instance0001", "release_on_file": "let-go"}]'
# The budget is small; the wait on the real root has time enough for the holder to let go.
M_ENV='TAUPAGE_INITRAMFS_SECONDS=20
TAUPAGE_BOOT_OPTIONS="--volume-timeout 600"'
machine_start || { flunk setup "$M_SETUP_ERROR"; finish; }
pass "image-built"

machine_user_data <<'Y'
#taupage-ami-config
application_id: budget-test
application_version: "1.0"
runtime: Docker
source: 169.254.169.5:5000/dk/web:1.0
ports:
  8080: 8080
health_check_path: /
health_check_timeout_seconds: 180
volumes:
  ebs:
    /dev/sdf: machine-data-a
    /dev/sdg: machine-data-b
  raid:
    /dev/md/data:
      level: 0
      devices: [/dev/xvdf, /dev/xvdg]
mounts:
  /data:
    partition: /dev/md/data
    filesystem: ext4
notify_cfn:
  stack: budget-stack
  resource: BudgetGroup
Y

machine_boot budget
if machine_wait_ssh 300; then
  echo "time budget: sshd answers $((SECONDS - M_BOOT_START))s after QEMU started"
  pass "sshd-answers"
else
  flunk "sshd-answers" "no SSH banner within 300 s; the end of $M_CONSOLE:"; tail -n 30 "$M_CONSOLE" | sed 's/^/   | /'
  finish
fi
# While the volume is held, the deferred steps wait on the real root with sshd up, and dockerd
# (so the container) waits for them.
waiting=$(machine_ssh 'systemctl is-active taupage-deferred.service docker.service; test -e /run/taupage/early-deferred && echo marker' 2>&1 | tr '
' ' ')
if [ "$waiting" = "activating inactive marker " ]; then
  pass "sshd-up-while-deferred-steps-wait"
else
  flunk "sshd-up-while-deferred-steps-wait" "taupage-deferred, docker, the marker: $waiting"
fi
touch "$M_STANDIN/let-go"
if machine_wait_signal SUCCESS 1 900; then
  echo "time budget: CloudFormation SUCCESS $((SECONDS - M_BOOT_START))s after QEMU started"
  pass "success-signalled"
else
  flunk "success-signalled" "no SUCCESS within 900 s; the end of the console:"; tail -n 30 "$M_CONSOLE" | sed 's/^/   | /'
fi

# The console: the wait said what it waited for, the budget ended it, the shell said what follows.
console_has() { # NAME PATTERN (grep -E)
  if grep -qaE "$2" "$M_CONSOLE"; then pass "console-$1"; else flunk "console-$1" "no /$2/ in $M_CONSOLE"; fi
}
console_has wait-names-the-holder "volumes: waiting for /dev/sdg \(Name=machine-data-b, line [0-9]+\): $held is attached to i-0ther0instance0001 .*then deferred to the real root"
console_has budget-spent "volumes: the early stage's time budget of 20s is spent"
console_has steps-deferred "early stage done in [0-9.]+s except volumes, raid, mounts, deferred past its time budget"
console_has operator-paragraph "THE EARLY STAGE SPENT ITS TIME IN THE INITRAMFS \(20 s"
# The firewall was in place before any unit started: its line precedes systemd's first.
fw_line=$(grep -anE 'firewall +(created|changed)' "$M_CONSOLE" | head -1 | cut -d: -f1)
systemd_line=$(grep -anE 'systemd\[1\]|Welcome to .*Debian' "$M_CONSOLE" | head -1 | cut -d: -f1)
if [ -n "$fw_line" ] && [ -n "$systemd_line" ] && [ "$fw_line" -lt "$systemd_line" ]; then
  pass "firewall-before-systemd"
else
  flunk "firewall-before-systemd" "firewall at console line ${fw_line:-none}, systemd at ${systemd_line:-none}"
fi

# The guest: the early stage completed on the real root, before the container started on the array.
guest=$M_WORK/guest
mkdir -p "$guest"
machine_ssh 'cat /run/taupage/report-early.json' > "$guest/early.json" 2>&1
machine_ssh 'cat /run/taupage/early-ran-in /run/taupage/early-deferred; systemctl is-active taupage-deferred.service
journalctl -b -o cat -u taupage-deferred.service | grep -c "early stage done in"' > "$guest/units.txt" 2>&1
machine_ssh 'docker inspect taupageapp' > "$guest/inspect.json" 2>&1
machine_ssh 'docker exec taupageapp cat /proc/mounts' > "$guest/container-mounts.txt" 2>&1
machine_ssh 'cat /proc/mdstat; awk "\$2 == \"/mounts/data\" {print \$2, \$3}" /proc/mounts' > "$guest/host-state.txt" 2>&1
if [ "$(tr '\n' ' ' < "$guest/units.txt")" = "initramfs initramfs active 1 " ]; then
  pass "deferred-unit-ran-the-early-stage"
else
  flunk "deferred-unit-ran-the-early-stage" "early-ran-in, early-deferred, the unit, its 'done' lines: $(tr '\n' ' ' < "$guest/units.txt")"
fi
if python3 - "$guest/early.json" > "$M_WORK/check.out" 2>&1 <<'P'
import json, sys
r = json.load(open(sys.argv[1]))
steps = {s["step"]: s["outcome"] for s in r["steps"]}
print(r["ok"], r["pending"], steps)
sys.exit(0 if r["ok"] and r["pending"] == [] and steps == {"firewall": "changed", "volumes": "created", "raid": "created", "mounts": "created"} else 1)
P
then pass "early-stage-completed-on-the-real-root"; else flunk "early-stage-completed-on-the-real-root" "$(cat "$M_WORK/check.out")"; fi
if grep -q 'active raid0' "$guest/host-state.txt" && grep -qx '/mounts/data ext4' "$guest/host-state.txt"; then
  pass "array-mounted"
else
  flunk "array-mounted" "$(tr '\n' ' ' < "$guest/host-state.txt")"
fi
# The container's /data is the array's ext4: its bind mount was made after the mount. Had it
# started first, /data would be a folder of the root filesystem.
if grep -qE '^/dev/md[^ ]* /data ext4 ' "$guest/container-mounts.txt"; then
  pass "container-data-is-the-array"
else
  flunk "container-data-is-the-array" "$(grep ' /data ' "$guest/container-mounts.txt")"
fi
if python3 - "$guest/early.json" "$guest/inspect.json" > "$M_WORK/check.out" 2>&1 <<'P'
import datetime, json, sys
r = json.load(open(sys.argv[1]))
early_end = datetime.datetime.fromisoformat(r["started"].replace("Z", "+00:00")).timestamp() + r["seconds"]
started = json.load(open(sys.argv[2]))[0]["State"]["StartedAt"]
started = datetime.datetime.fromisoformat(started[:26].rstrip("Z") + "+00:00").timestamp()
print("early stage ended", early_end, "container started", started)
sys.exit(0 if early_end <= started else 1)
P
then pass "mounted-before-the-container-started"; else flunk "mounted-before-the-container-started" "$(cat "$M_WORK/check.out")"; fi
# The stand-in: the holder let go, and only then was the held volume attached (on the real root).
if python3 - "$M_STANDIN/volume-events.jsonl" "$held" > "$M_WORK/check.out" 2>&1 <<'P'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
held = sys.argv[2]
kinds = [e["event"] for e in events if e.get("volume") == held and e["event"] in ("released", "AttachVolume", "plugged")]
print(kinds)
sys.exit(0 if kinds[:1] == ["released"] and "AttachVolume" in kinds and "plugged" in kinds else 1)
P
then pass "held-volume-attached-after-release"; else flunk "held-volume-attached-after-release" "$(cat "$M_WORK/check.out")"; fi
if [ "$(machine_signals SUCCESS)" = 1 ] && [ "$(machine_signals FAILURE)" = 0 ]; then
  pass "exactly-one-success"
else
  flunk "exactly-one-success" "$(cat "$M_STANDIN/signals.jsonl" 2>/dev/null)"
fi
machine_poweroff 300 || flunk "powers-off"
finish
