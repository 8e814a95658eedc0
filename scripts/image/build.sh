#!/usr/bin/env bash
# `make image`: a minimal Debian 12 image with Taupage, built from Debian's own packages.
#   1. base tree: mmdebstrap (minbase + scripts/image/packages.txt + hardening), cached as a
#      tarball in $IMAGE_CACHE keyed by the package list and this folder's scripts; downloaded
#      packages are kept there too, so a rebuild downloads nothing;
#   2. the tree with our .deb installed (its trigger rebuilds the initramfs with the hook),
#      cached by the .deb's content;
#   3. the raw GPT disk with UEFI GRUB (scripts/image/disk.sh), of the kind EC2 imports as a
#      snapshot and registers as a UEFI AMI.
# Usage: scripts/image/build.sh DEB OUT_DIR   -> OUT_DIR/root.tar, OUT_DIR/disk.raw
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deb=$(realpath "$1") out=$2
cache=${IMAGE_CACHE:-/var/cache/taupage-image}
mkdir -p "$cache/debs" "$out"
out=$(realpath "$out")
log() { printf '%s image: %s\n' "$(date +%T)" "$*" >&2; }
# IMAGE_INITRAMFS=dracut: dracut (with its network module) instead of initramfs-tools.
variant=${IMAGE_INITRAMFS:-initramfs-tools}
packages=$(sed 's/#.*//' "$here/packages.txt" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//' | tr ' ' ',')
# shellcheck disable=SC2001  # a word boundary (\b), which ${var//} has not
case "$variant" in
initramfs-tools) ;;
dracut) packages=$(sed 's/\binitramfs-tools\b/dracut,dracut-network/' <<< "$packages") ;;
*) echo "image: IMAGE_INITRAMFS is initramfs-tools or dracut, not '$variant'" >&2; exit 2 ;;
esac

# 1. The base tree.
base_key=$( (cat "$here/packages.txt" "$here/customize.sh"; sed -n '/^  mmdebstrap /,/debian.sources$/p' "$here/build.sh"
  if [ "$variant" != initramfs-tools ]; then echo "$variant"; fi) | sha256sum | cut -c1-16)
base=$cache/base-$variant-$base_key.tar
if [ ! -s "$base" ]; then
  # Trees of earlier package lists or scripts are not used again.
  find "$cache" -maxdepth 1 -name "base-$variant-*" ! -name "$(basename "$base")" -delete
  log "base tree (mmdebstrap bookworm minbase; packages cached in $cache/debs)"
  # The machine's own apt sources are the mirror, so no mirror name is written anywhere.
  mmdebstrap --quiet --format=tar --variant=minbase --include="$packages" \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
    --setup-hook="sync-in $cache/debs /var/cache/apt/archives" \
    --essential-hook="$here/customize.sh essential \"\$1\"" \
    --customize-hook="sync-out /var/cache/apt/archives $cache/debs" \
    --customize-hook="$here/customize.sh customize \"\$1\"" \
    bookworm "$base.part" /etc/apt/sources.list.d/debian.sources
  mv "$base.part" "$base"
fi

# 2. The tree with our package.
pkg_key=$( (echo "$base_key"; dpkg-deb --fsys-tarfile "$deb" | sha256sum; dpkg-deb -I "$deb" | sha256sum) | sha256sum | cut -c1-16)
if [ ! -s "$out/root.tar" ] || [ "$(cat "$out/root.key" 2>/dev/null)" != "$pkg_key" ]; then
  log "installing $(basename "$deb") into the tree (the initramfs is rebuilt with Taupage's hook)"
  # Outside build/: the Makefile includes every *.d file there, and a root tree has many.
  tree=$(mktemp -d "${TMPDIR:-/var/tmp}/taupage-tree.XXXXXX")
  trap 'umount -R "$tree/proc" "$tree/sys" "$tree/dev" 2>/dev/null; rm -rf "$tree"' EXIT
  tar -C "$tree" --numeric-owner --xattrs --xattrs-include='*' -xpf "$base"
  cp "$deb" "$tree/tmp/taupage.deb"
  mount -t proc proc "$tree/proc"; mount -t sysfs sys "$tree/sys"; mount --rbind /dev "$tree/dev"
  chroot "$tree" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg -i /tmp/taupage.deb >&2
  umount -R "$tree/proc" "$tree/sys" "$tree/dev"
  rm -f "$tree/tmp/taupage.deb"
  chroot "$tree" /usr/bin/env -i PATH=/usr/sbin:/usr/bin dpkg -s taupage > /dev/null
  for initrd in "$tree"/boot/initrd.img-*; do
    if [ "$variant" = dracut ]; then
      list=(lsinitrd "/boot/$(basename "$initrd")")
    else
      list=(lsinitramfs "/boot/$(basename "$initrd")")
    fi
    chroot "$tree" "${list[@]}" | grep -E '(^| )usr/sbin/taupage$' > /dev/null ||
      { echo "image: $(basename "$initrd") has no usr/sbin/taupage: the initramfs was not rebuilt" >&2; exit 1; }
  done
  tar -C "$tree" --numeric-owner --xattrs --xattrs-include='*' -cf "$out/root.tar.tmp" .
  mv "$out/root.tar.tmp" "$out/root.tar"
  echo "$pkg_key" > "$out/root.key"
  rm -rf "$tree"; trap - EXIT
fi

# 3. The disk (IMAGE_DISK=no: the tree only, for a caller that makes its own disk from it).
[ "${IMAGE_DISK:-yes}" = no ] && exit 0
bash "$here/disk.sh" "$out/root.tar" "$out/disk.raw"
log "done: $out/disk.raw ($(du -h --apparent-size "$out/disk.raw" | cut -f1) sparse, $(du -h "$out/disk.raw" | cut -f1) used)"
