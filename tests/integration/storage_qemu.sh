#!/usr/bin/env bash
# Taupage's raid and mounts steps on a real Linux kernel: three QEMU boots of the same disk images
# (NVMe disks with EBS-like serials, virtio disks), the guest half in tests/qemu-guest/guest.sh. The first
# boot creates and formats, and cuts one creation short; the second assembles and finds the data of
# the first, with a RAID 1 member gone, and formats the cut arrays; the third takes the member back
# and refuses. Disks Taupage must refuse are compared byte for byte, here on the host.
# Prints "N passed, N failed" last; exits non-zero on any failure.
# STORAGE_ARCH=arm64 (make test-arm64): the same boots on an arm64 guest with build/arm64/taupage.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh
work=$(mktemp -d /tmp/storage-qemu.XXXXXX)
trap 'rm -rf "$work"' EXIT
out_dir=build
[ "$STORAGE_ARCH" = arm64 ] && out_dir=build/arm64
qemu_logs=$out_dir/storage-qemu
mkdir -p "$qemu_logs"
export STORAGE_INITRD=$PWD/$out_dir/storage-qemu/initramfs.cpio.gz
qemu_initramfs
token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

img() { truncate -s "$2" "$work/$1.img"; }
# old_bytes_inside NAME: random bytes in all but the first and last MiB, as on a reused volume that
# is still blank by Taupage's rule.
old_bytes_inside() {
  local mib=$(($(stat -c %s "$work/$1.img") >> 20))
  dd if=/dev/urandom of="$work/$1.img" bs=1M seek=1 count=$((mib - 2)) conv=notrunc status=none
}
for l in nvme-f nvme-g i o p q r s; do img "$l" 64M; done
for l in m n; do img "$l" 16M; done
for l in w x y z ba bb bc bd be bf bg; do img "$l" 32M; done
img h 256M && mkfs.btrfs -q -f "$work/h.img" > /dev/null
img j 64M && echo ',,L' | sfdisk -q --label dos "$work/j.img" > /dev/null
img k 64M
loop=$(losetup --find --show "$work/k.img") && { pvcreate -q "$loop" > /dev/null 2>&1; losetup -d "$loop"; }
img l 64M && head -c 4096 /dev/urandom | dd of="$work/l.img" bs=4096 seek=100 conv=notrunc status=none
img t 320M
mkdir -p "$work/hostfiles" && echo made-on-host > "$work/hostfiles/hostfile"
img u 64M && mke2fs -q -F -t ext4 -d "$work/hostfiles" "$work/u.img" \
  && debugfs -w -R "ssv state 2" "$work/u.img" > /dev/null 2>&1 && debugfs -w -R "ssv free_blocks_count 7" "$work/u.img" > /dev/null 2>&1
img v 64M && mke2fs -q -F -t ext4 "$work/v.img" 32M
img bj 256M
# The arrays of the issue: RAID 0, 1 and 5 created over such members (f g, p q, w x y), and the same
# levels cut off right after the start (ca cb, cc cd, ce cf cg).
for l in ca cb cc cd ce cf cg; do img "$l" 32M; done
for l in nvme-f nvme-g p q w x y ca cb cc cd ce cf cg; do old_bytes_inside "$l"; done
declare -A before
for l in h i j k l; do before[$l]=$(sha256sum "$work/$l.img" | cut -d' ' -f1); done

disks=("nvme:vol0000000000000000f:$work/nvme-f.img" "nvme:vol0000000000000000g:$work/nvme-g.img")
for l in o p q r s t u v w x y z ba bb bc bd be bf bg bj ca cb cc cd ce cf cg; do disks+=("virtio:xvd$l:$work/$l.img"); done
cut=()
for l in ca cb cc cd ce cf cg; do cut+=("virtio:xvd$l:$work/$l.img"); done
# The refusals run in the third boot, which has PCI slots to spare (QEMU's pc machine has 29).
refused=()
for l in h i j k l m n; do refused+=("virtio:xvd$l:$work/$l.img"); done

run_phase() { qemu_run_phase tests/qemu-guest/guest.sh "$@"; }

run_phase first "${disks[@]}"
# The second boot: the same images, one RAID 1 member (xvdq) gone.
second=()
for d in "${disks[@]}"; do [[ $d == virtio:xvdq:* ]] || second+=("$d"); done
run_phase second "${second[@]}"
# The third boot: the RAID 1 disks, the missing one back; two blank disks of different sizes; the
# cut arrays; the disks to refuse.
img bh 32M
img bi 48M
run_phase third "virtio:xvdp:$work/p.img" "virtio:xvdq:$work/q.img" "virtio:xvdbh:$work/bh.img" "virtio:xvdbi:$work/bi.img" \
  "${cut[@]}" "${refused[@]}"
# arm64: a fourth boot, the firewall step's netlink on the arm64 kernel (no disks).
[ "$STORAGE_ARCH" = arm64 ] && run_phase netlink

# Refused disks are byte-for-byte what they were before the boots.
for l in h i j k l; do
  now=$(sha256sum "$work/$l.img" | cut -d' ' -f1)
  if [ "$now" = "${before[$l]}" ]; then pass "unchanged/xvd$l"; else flunk "unchanged/xvd$l" "the image changed"; fi
done
finish
