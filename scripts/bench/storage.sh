#!/usr/bin/env bash
# Storage figures, in one QEMU guest per boot (software emulation, so absolute times are slow;
# the ratio is the figure): Taupage creating RAID 0 over two disks + ext4 + mount against
# mdadm --create + mkfs.ext4 + mount; after a reboot, Taupage assembling (+ fsck + mount) against
# mdadm --assemble (+ fsck.ext4 -p + mount). Each side twice a boot, on disks of its own: the
# first ("cold") pays for the emulator translating that side's code, the second does not, as a
# real machine never does. Printed, never asserted.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh
work=$(mktemp -d /tmp/storage-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export STORAGE_INITRD=$PWD/build/storage-qemu/initramfs.cpio.gz
mkdir -p build/storage-qemu
bash scripts/storage/build-initramfs.sh "$STORAGE_INITRD" || exit 1
disks=()
for l in f g h i j k l m; do truncate -s 512M "$work/$l.img"; disks+=("virtio:xvd$l:$work/$l.img"); done
for phase in bench-first bench-second; do
  storage_qemu_boot "$work/$phase.log" "$phase" 0 "${disks[@]}"
  tr -d '\r' < "$work/$phase.log" | grep '^TP-BENCH' > "$work/$phase.figures"
  grep -q . "$work/$phase.figures" || { echo "storage bench: the guest printed no figures"; tail -20 "$work/$phase.log"; exit 1; }
done
fig() { cat "$work"/*.figures | awk -v k="$1" '$2 == k {print $3}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '%-44s %10s %10s %8s\n' "storage (TCG guest, 2 x 512 MiB, RAID 0)" taupage mdadm ratio
row() { printf '%-44s %9ss %9ss %8s\n' "$1" "$(fig "taupage-$2")" "$(fig "mdadm-$2")" "$(ratio "$(fig "taupage-$2")" "$(fig "mdadm-$2")")"; }
row "create + ext4 + mount" create
row "assemble + fsck -p + mount after reboot" assemble-fsck-mount
printf '%-44s %9ss %9ss %8s\n' "assemble after reboot" "$(fig taupage-assemble)" "$(fig mdadm-assemble)" "$(ratio "$(fig taupage-assemble)" "$(fig mdadm-assemble)")"
row "create + ext4 + mount, first run (cold)" create-cold
row "assemble + fsck + mount, first run (cold)" assemble-fsck-mount-cold
echo "(taupage-assemble runs after both arrays were stopped, in the same second boot)"
