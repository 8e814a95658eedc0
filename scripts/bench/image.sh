#!/usr/bin/env bash
# The image's figures: the size of the .deb, of the initramfs with and without Taupage's
# additions (the image's base tree against the tree with the package), and one first boot of the
# image in QEMU (TCG, UEFI) against the stand-ins: from kernel start to each stage's end and to
# CloudFormation's SUCCESS, and Taupage's own CPU time. Printed, never asserted.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/image/machine.sh
trap machine_stop EXIT
M_LOGS=build/bench/image
machine_start || { echo "$M_SETUP_ERROR" >&2; exit 1; }
cache=${IMAGE_CACHE:-/var/cache/taupage-image}
# The base tree of the same variant as the image booted here (initramfs-tools), not dracut's.
base=$(ls -t "$cache"/base-initramfs-tools-*.tar | head -1)
initrd_size() { tar -xOf "$1" --wildcards './boot/initrd.img-*' | wc -c; }
printf '%-52s %10s bytes\n' "$(basename "$M_DEB")" "$(stat -c %s "$M_DEB")"
printf '%-52s %10s bytes\n' "initramfs without Taupage (initramfs-tools, zstd)" "$(initrd_size "$base")"
printf '%-52s %10s bytes\n' "initramfs with Taupage's hook" "$(initrd_size "$M_LOGS/image/root.tar")"

cipher=$(dk_ns python3 tests/standin/aws_standin.py encrypt "$M_STANDIN" alias/app "bench-secret") || exit 1
machine_user_data <<Y
#taupage-ami-config
application_id: bench
application_version: "1.0"
runtime: Docker
source: 169.254.169.5:5000/dk/web:1.0
ports: {8080: 8080}
ssh_ports: [22, 2222]
health_check_path: /
health_check_timeout_seconds: 180
environment: {DB_PASSWORD: "aws:kms:$cipher"}
volumes:
  ebs: {/dev/sdf: machine-data-a, /dev/sdg: machine-data-b}
  raid: {/dev/md/data: {level: 0, devices: [/dev/xvdf, /dev/xvdg]}}
mounts:
  /data: {partition: /dev/md/data, filesystem: ext4}
  /scratch: {partition: none, filesystem: tmpfs, options: size=64m}
notify_cfn: {stack: bench-stack, resource: WebServerGroup}
Y
machine_boot bench
machine_wait_signal SUCCESS 1 900 || { echo "no SUCCESS within 900 s; see $M_CONSOLE"; exit 1; }
echo "first boot, from QEMU start: CloudFormation SUCCESS after $((SECONDS - M_BOOT_START)) s"
machine_wait_ssh 120 && machine_figures bench
machine_poweroff 300
