#!/usr/bin/env bash
# Storage figures, in one QEMU guest per boot (software emulation, so absolute times are slow;
# the ratio is the figure): Taupage creating RAID 0 over two disks + ext4 + mount against
# mdadm --create + mkfs.ext4 + mount; after a reboot, Taupage assembling (+ fsck + mount) against
# mdadm --assemble (+ fsck.ext4 -p + mount). Each side first once "cold" (the emulator translating
# that side's code, as a real machine never does), then in rounds on wiped disks, alternating which
# side goes first; the median of the rounds is the figure. STORAGE_BENCH_BOOTS (4) pairs of boots,
# each on new disks, the cold runs' order alternating with the boot. Printed, never asserted. The guests' consoles stay in build/storage-qemu/bench-*.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh
work=$(mktemp -d /tmp/storage-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export STORAGE_INITRD=$PWD/build/storage-qemu/initramfs.cpio.gz
mkdir -p build/storage-qemu
bash scripts/storage/build-initramfs.sh "$STORAGE_INITRD" || exit 1
boots=${STORAGE_BENCH_BOOTS:-4}
for run in $(seq 1 "$boots"); do
  disks=()
  for l in f g h i j k l m n o; do rm -f "$work/$l.img"; truncate -s 512M "$work/$l.img"; disks+=("virtio:xvd$l:$work/$l.img"); done
  for phase in bench-first bench-second; do
    storage_qemu_boot "$work/$phase.log" "$phase" "$run" "${disks[@]}"
    cp "$work/$phase.log" "build/storage-qemu/$phase-$run.log"
    tr -d '\r' < "$work/$phase.log" | grep '^TP-BENCH' > "$work/$phase-$run.figures"
    grep -q . "$work/$phase-$run.figures" || { echo "storage bench: the guest printed no figures"; tail -20 "$work/$phase.log"; exit 1; }
  done
done
# fig KEY: the figure, or the median of its rounds (KEY-r1, KEY-r2, ...).
fig() {
  cat "$work"/*.figures | awk -v k="$1" '$2 == k || index($2, k "-r") == 1 && $2 ~ /-r[0-9]+$/ {print $3}' | sort -n |
    awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
spread() {
  cat "$work"/*.figures | awk -v k="$1" '$2 == k || index($2, k "-r") == 1 && $2 ~ /-r[0-9]+$/ {print $3}' | sort -n | sed -n '1p;$p' | paste -sd- -
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
rounds=$(cat "$work"/*.figures | awk '$2 ~ /^taupage-create-r[0-9]+$/' | wc -l)
colds=$(cat "$work"/*.figures | awk '$2 == "taupage-create-cold"' | wc -l)
printf '%-50s %8s %8s %6s   %s\n' "storage (TCG guest, 2 x 512 MiB, RAID 0)" taupage mdadm ratio "rounds' range (taupage | mdadm)"
row() {
  local t=$1 m=$2
  printf '%-50s %7ss %7ss %6s   %s\n' "$3" "$(fig "$t")" "$(fig "$m")" "$(ratio "$(fig "$t")" "$(fig "$m")")" \
    "$(spread "$t") | $(spread "$m")"
}
row taupage-create mdadm-create "create + ext4 + mount (median of $rounds)"
row taupage-assemble-fsck-mount mdadm-assemble-fsck-mount "assemble + fsck -p + mount (median of $rounds)"
row taupage-assemble mdadm-assemble "assemble alone (median of $rounds)"
row taupage-create-cold mdadm-create-cold "create + ext4 + mount, first run (median of $colds)"
row taupage-assemble-fsck-mount-cold mdadm-assemble-fsck-mount-cold "assemble + fsck + mount, first run (median of $colds)"
echo "(rounds alternate which side goes first, each after the page cache was dropped; address space"
echo " randomisation off, so the emulator translates each program once, as static Taupage always was;"
echo " warm-up: mke2fs,"
echo " e2fsck and a scratch md RAID 0 built through sysfs, so neither side pays for translating shared code)"
