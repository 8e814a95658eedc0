#!/usr/bin/env bash
# A raw GPT disk from a root tarball, without loop devices or mounts: Debian's cloud layout
# (root at partition 1 from 128 MiB, BIOS boot partition 14, EFI system partition 15), the root
# filesystem made from the tree with mkfs.ext4 -d, and a standalone GRUB EFI image on the ESP
# whose embedded config finds the root by UUID.
# Usage: scripts/image/disk.sh ROOT_TAR OUT.raw [OVERLAY_DIR] [SIZE_MIB]
#   OVERLAY_DIR: files copied over the tree before the filesystem is made (tests use it).
set -euo pipefail
tar_file=$1 disk=$2 overlay=${3:-} size_mib=${4:-2048}
# Outside build/: the Makefile includes every *.d file there, and a root tree has many.
work=$(mktemp -d "${TMPDIR:-/var/tmp}/taupage-disk.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/tree
mkdir "$tree"
tar -C "$tree" --numeric-owner --xattrs --xattrs-include='*' -xpf "$tar_file"
if [ -n "$overlay" ]; then cp -a "$overlay/." "$tree/"; fi

uuid=$(cat /proc/sys/kernel/random/uuid)
kernel=$(cd "$tree/boot" && ls vmlinuz-* | sort -V | tail -1)
version=${kernel#vmlinuz-}
[ -f "$tree/boot/initrd.img-$version" ] || { echo "disk: no initrd for $version in the tree" >&2; exit 1; }
cmdline="root=UUID=$uuid ro console=tty0 console=ttyS0,115200n8"
echo "UUID=$uuid / ext4 rw,discard,errors=remount-ro 0 1" > "$tree/etc/fstab"
mkdir -p "$tree/boot/grub"
cat > "$tree/boot/grub/grub.cfg" <<C
# Written by scripts/image/disk.sh; the EFI image's embedded config loads this file.
set timeout=0
menuentry "Debian 12 with Taupage" {
  search --no-floppy --fs-uuid --set=root $uuid
  linux /boot/vmlinuz-$version $cmdline
  initrd /boot/initrd.img-$version
}
C

# Partitions (sectors of 512 bytes): 14 BIOS boot 1-4 MiB, 15 ESP 4-128 MiB, 1 root 128 MiB to
# the end, less 1 MiB for the backup GPT. sfdisk takes the numbers from the names' suffixes.
root_mib=$((size_mib - 128 - 1))
rm -f "$disk"
truncate -s "${size_mib}M" "$disk"
sfdisk --quiet "$disk" <<P
label: gpt
first-lba: 2048
${disk}1 : start=262144, size=$((root_mib * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root
${disk}14 : start=2048, size=6144, type=21686148-6449-6E6F-744E-656564454649, name=bios
${disk}15 : start=8192, size=253952, type=C12A7328-F81F-11D2-BA4B-00A0C93EC3B9, name=esp
P

mkfs.ext4 -q -F -L root -U "$uuid" -d "$tree" -E root_owner=0:0 "$work/root.ext4" "${root_mib}M"
dd if="$work/root.ext4" of="$disk" bs=1M seek=128 conv=notrunc,sparse status=none

cat > "$work/early.cfg" <<C
search --no-floppy --fs-uuid --set=root $uuid
set prefix=(\$root)/boot/grub
configfile (\$root)/boot/grub/grub.cfg
C
grub-mkimage -O x86_64-efi -o "$work/BOOTX64.EFI" -c "$work/early.cfg" -p /boot/grub \
  part_gpt ext2 fat search search_fs_uuid normal configfile linux echo test gzio all_video efi_gop
mkfs.vfat -C -n ESP "$work/esp.img" $((124 * 1024)) >/dev/null
mmd -i "$work/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$work/esp.img" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
dd if="$work/esp.img" of="$disk" bs=1M seek=4 conv=notrunc,sparse status=none
