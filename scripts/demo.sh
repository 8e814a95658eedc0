#!/usr/bin/env bash
# `make demo`: the whole machine. Builds the Debian 12 image with Taupage (cached after the first
# time), boots it in QEMU as an EC2 instance against the local stand-ins (scripts/image/machine.sh)
# and shows the console as Taupage goes through its stages, then the application answering
# through a forwarded port and the CloudFormation signal. Nothing leaves loopback.
# The quick demo of earlier versions (check, plan, a dry run, the late stage) is `make demo-late`.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/image/machine.sh
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
tail_pid=""
cleanup() { [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null; machine_stop; }
trap cleanup EXIT
M_LOGS=build/demo

say "the package and the image (scripts/deb.sh, scripts/image/build.sh; cached in ${IMAGE_CACHE:-/var/cache/taupage-image})"
machine_start || { echo "$M_SETUP_ERROR" >&2; exit 1; }
echo "$M_DEB"
ls -l --block-size=M "$M_LOGS/image/disk.raw"

cipher=$(dk_ns python3 tests/standin/aws_standin.py encrypt "$M_STANDIN" alias/app "demo-db-password") || exit 1
machine_user_data <<EOF2
#taupage-ami-config
application_id: demo-shop
application_version: "1.0"
runtime: Docker
source: 169.254.169.5:5000/dk/web:1.0
ports:
  8080: 8080
ssh_ports: [22, 2222]
health_check_path: /
health_check_timeout_seconds: 180
environment:
  SHOP_MODE: demo
  DB_PASSWORD: aws:kms:$cipher
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
  /scratch:
    partition: none
    filesystem: tmpfs
    options: size=64m
notify_cfn:
  stack: demo-stack
  resource: WebServerGroup
EOF2
say "the user data IMDS serves"
cat "$M_STANDIN/user-data"

say "booting (QEMU, software emulation, UEFI): the console, Taupage's lines and the milestones"
machine_boot demo
sleep 1
tail -n +1 -F "$M_CONSOLE" 2>/dev/null | tr -d '\r' |
  grep --line-buffered -aE 'taupage|firewall|volumes|raid|mounts|ssh |secrets|container|health|notify|stage|Linux version|Run /init|Welcome to|Reached target.*Multi-User|Started.*(ssh|docker|Docker)' &
tail_pid=$!
if machine_wait_signal SUCCESS 1 900; then
  sleep 2
  kill "$tail_pid" 2>/dev/null; tail_pid=""
  say "CloudFormation SUCCESS $((SECONDS - M_BOOT_START)) s after QEMU started; the signal the stand-in received"
  cat "$M_STANDIN/signals.jsonl"
  say "the application through a forwarded port"
  printf 'GET http://127.0.0.1:%s/ -> %s\n' "$M_APP" "$(dk_ns curl -s -m 10 "http://127.0.0.1:$M_APP/")"
  say "the reports, from the instance"
  machine_ssh 'for s in early system late; do echo "--- /run/taupage/report-$s.json"; cat /run/taupage/report-$s.json; echo; done'
  machine_poweroff 300
else
  kill "$tail_pid" 2>/dev/null; tail_pid=""
  echo "no CloudFormation signal within 900 s; the end of the console ($M_CONSOLE):"
  tail -n 40 "$M_CONSOLE"
  exit 1
fi
