#!/usr/bin/env bash
# The dracut module (initramfs/dracut/90taupage) on a whole machine: the image of
# machine_qemu.sh built with dracut (and dracut-network) instead of initramfs-tools, booted once
# in QEMU (TCG, UEFI) as an EC2 instance against the same stand-ins (scripts/image/machine.sh).
# The early stage runs in dracut's pre-pivot hook with the network from dracut's network module:
# two EBS volumes attached by Name, RAID 0, ext4, tmpfs; then the system and late stages on the
# real root and one SUCCESS. The boot's time is printed ("time ..." lines).
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh   # pass, flunk, finish
source scripts/image/machine.sh
trap machine_stop EXIT
M_LOGS=build/machine-dracut-qemu
export IMAGE_INITRAMFS=dracut
machine_start || { flunk setup "$M_SETUP_ERROR"; finish; }
pass "image-built-with-dracut"
echo "time image ${M_IMAGE_SECONDS}s"

cipher=$(dk_ns python3 tests/standin/aws_standin.py encrypt "$M_STANDIN" alias/app "dracut-secret") || { flunk encrypt; finish; }
machine_example_user_data dracut-test "$cipher" | machine_user_data
machine_boot dracut
if machine_wait_signal SUCCESS 1 900; then
  echo "time dracut: CloudFormation SUCCESS $((SECONDS - M_BOOT_START))s after QEMU started"
  pass "dracut/success-signalled"
else
  flunk "dracut/success-signalled" "no SUCCESS within 900 s; the end of $M_CONSOLE:"; tail -n 30 "$M_CONSOLE" | sed 's/^/   | /'
fi
if machine_wait_ssh 120; then pass "dracut/sshd-answers"; else flunk "dracut/sshd-answers"; finish; fi
ran=$(machine_ssh 'cat /run/taupage/early-ran-in; test -d /usr/lib/dracut/modules.d/90taupage && lsinitrd /boot/initrd.img-$(uname -r) | grep -cE "taupage-pre-pivot|usr/sbin/taupage$"' 2>&1 | tr '\n' ' ')
[ "$ran" = "initramfs 2 " ] && pass "dracut/early-ran-in-dracut-initramfs" || flunk "dracut/early-ran-in-dracut-initramfs" "$ran"
machine_ssh cat /run/taupage/report-early.json > "$M_WORK/early.json" 2>/dev/null
if python3 - "$M_WORK/early.json" <<'P'
import json, sys
r = json.load(open(sys.argv[1]))
steps = {s["step"]: s["outcome"] for s in r["steps"]}
print(steps)
sys.exit(0 if r["ok"] and all(steps.get(s) == "created" for s in ("firewall", "volumes", "raid", "mounts")) else 1)
P
then pass "dracut/early-attached-assembled-formatted-mounted"; else flunk "dracut/early-attached-assembled-formatted-mounted" "$(cat "$M_WORK/early.json")"; fi
answer=$(dk_ns curl -s -m 20 "http://127.0.0.1:$M_APP/")
[ "$answer" = "hello from dk/web 1.0" ] && pass "dracut/application-answers" || flunk "dracut/application-answers" "got '$answer'"
[ "$(machine_signals SUCCESS)" = 1 ] && [ "$(machine_signals FAILURE)" = 0 ] && pass "dracut/exactly-one-success" ||
  flunk "dracut/exactly-one-success" "$(cat "$M_STANDIN/signals.jsonl")"
machine_figures dracut | sed 's/^/time dracut: /'
machine_poweroff 300 || flunk "dracut/powers-off"
finish
