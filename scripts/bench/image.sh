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
machine_example_user_data bench "$cipher" | machine_user_data
machine_boot bench
machine_wait_signal SUCCESS 1 900 || { echo "no SUCCESS within 900 s; see $M_CONSOLE"; exit 1; }
echo "first boot, from QEMU start: CloudFormation SUCCESS after $((SECONDS - M_BOOT_START)) s"
machine_wait_ssh 120 && machine_figures bench
machine_poweroff 300
