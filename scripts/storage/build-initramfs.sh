#!/usr/bin/env bash
# Builds the test initramfs for the storage QEMU tests: the static build/taupage, busybox-static
# for /init and the shell, the md/raid/virtio/xfs/btrfs modules of Debian's linux-image-cloud-amd64
# (nvme, its hot-plug and ext4 are built in; virtio_net for the volumes tests' network), the
# filesystem helpers Taupage runs, and Debian's mdadm and blkid as independent readers. Usage: build-initramfs.sh OUT.cpio.gz. Rebuilt only when an input changed.
# STORAGE_ARCH=arm64: the same for an arm64 guest, with build/arm64/taupage and Debian's arm64
# packages unpacked by arm64-sysroot.sh (kernel, busybox, tools, libraries) instead of the host's.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1
arch=${STORAGE_ARCH:-amd64}
if [ "$arch" = arm64 ]; then
  sysroot=$PWD/build/arm64/guest/root
  bash scripts/storage/arm64-sysroot.sh build/arm64/guest
  bin=build/arm64/taupage
  triplet=aarch64-linux-gnu
  busybox=$sysroot/bin/busybox
  applets=$(qemu-aarch64 "$busybox" --list)
else
  sysroot=""
  bin=build/taupage
  triplet=x86_64-linux-gnu
  busybox=/bin/busybox
  applets=$(/bin/busybox --list)
fi
kver=$(basename "$(ls "$sysroot"/boot/vmlinuz-*-cloud-"$arch" | sort -V | tail -1)" | sed 's/^vmlinuz-//')
inputs=("$bin" tests/qemu-guest/* scripts/storage/build-initramfs.sh)
if [ -f "$out" ]; then
  newer=0
  for f in "${inputs[@]}"; do [ "$f" -nt "$out" ] && newer=1; done
  [ $newer = 0 ] && exit 0
fi
work=$(mktemp -d /tmp/storage-initramfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,lib64,lib/$triplet,lib/modules}
cp "$busybox" "$root/bin/busybox"
for applet in $applets; do [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"; done
cp "$bin" "$root/sbin/taupage"
cp tests/qemu-guest/init "$root/init"
cp tests/qemu-guest/guest*.sh "$root/"
chmod +x "$root/init" "$root"/guest*.sh

# Dynamic tools and their libraries (ldd); /sbin comes first in PATH, before busybox's versions.
copy_tool() {
  local path
  path=$(command -v "$1")
  cp -L "$path" "$root/sbin/$(basename "$1")"
  for lib in $(ldd "$path" | grep -oE '/[^ ]+\.so[^ ]*'); do
    case $lib in
      /lib64/*) cp -nL "$lib" "$root/lib64/" ;;
      *) cp -nL "$lib" "$root/lib/x86_64-linux-gnu/" ;;
    esac
  done
}
# arm64: the tool from the unpacked packages, its libraries by their NEEDED entries, recursively
# (ldd cannot run a foreign binary); the loader is /lib/ld-linux-aarch64.so.1.
copy_arm64_libs() {
  local lib found
  for lib in $(aarch64-linux-gnu-readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ -e "$root/lib/$triplet/$lib" ] && continue
    found=$(find "$sysroot/lib/$triplet" "$sysroot/usr/lib/$triplet" -name "$lib" -print -quit)
    [ -n "$found" ] || { echo "build-initramfs: $1 needs $lib, not in $sysroot" >&2; exit 1; }
    cp -L "$found" "$root/lib/$triplet/$lib"
    copy_arm64_libs "$root/lib/$triplet/$lib"
  done
}
copy_arm64_tool() {
  local path
  path=$(find "$sysroot/sbin" "$sysroot/usr/sbin" "$sysroot/bin" "$sysroot/usr/bin" -name "$1" -print -quit)
  cp -L "$path" "$root/sbin/$1"
  copy_arm64_libs "$root/sbin/$1"
}
if [ "$arch" = arm64 ]; then
  # nft: the netlink phase's independent reader of the firewall step's ruleset (arm64 only; on
  # x86-64 the firewall suites run on the host's kernel). It names protocols from /etc/protocols.
  for t in mke2fs e2fsck resize2fs debugfs mkfs.xfs xfs_growfs xfs_db mkfs.btrfs mdadm blkid nft; do copy_arm64_tool "$t"; done
  cp -L "$sysroot/lib/ld-linux-aarch64.so.1" "$root/lib/ld-linux-aarch64.so.1"
  cp /etc/protocols /etc/services "$root/etc/"
  extra_modules=(nf_tables nft_ct)
else
  for t in mke2fs e2fsck resize2fs debugfs mkfs.xfs xfs_growfs xfs_db mkfs.btrfs mdadm blkid; do copy_tool "$t"; done
  extra_modules=()
fi
ln -sf mke2fs "$root/sbin/mkfs.ext4"; ln -sf mke2fs "$root/sbin/mkfs.ext2"; ln -sf mke2fs "$root/sbin/mkfs.ext3"
ln -sf e2fsck "$root/sbin/fsck.ext4"; ln -sf e2fsck "$root/sbin/fsck.ext2"; ln -sf e2fsck "$root/sbin/fsck.ext3"
# xfs_growfs is a script around xfs_io in some releases; in bookworm it is a binary.
cp "$sysroot/etc/mke2fs.conf" "$root/etc/"
echo 'root:x:0:0:root:/:/bin/sh' > "$root/etc/passwd"
echo 'application:x:999:999::/:/bin/false' >> "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"

# Modules in dependency order (-C /dev/null: no modprobe.d options of this host, such as start_ro).
modprobe -C /dev/null ${sysroot:+-d "$sysroot"} -S "$kver" --show-depends -a md-mod raid0 raid1 raid10 raid456 virtio_blk virtio_pci virtio_net xfs btrfs ${extra_modules[@]+"${extra_modules[@]}"} \
  | awk '$1 == "insmod" && !seen[$2]++ {print $2}' > "$work/modules"
: > "$root/etc/modules-order"
while read -r ko; do
  rel=${ko#"$sysroot/lib/modules/$kver/"}
  mkdir -p "$root/lib/modules/$(dirname "$rel")"
  case $ko in
    *.ko) cp "$ko" "$root/lib/modules/$rel" ;;
    *.ko.xz) xz -dc "$ko" > "$root/lib/modules/${rel%.xz}"; rel=${rel%.xz} ;;
    *.ko.zst) zstd -qdc "$ko" > "$root/lib/modules/${rel%.zst}"; rel=${rel%.zst} ;;
  esac
  echo "$rel" >> "$root/etc/modules-order"
done < "$work/modules"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
