#!/usr/bin/env bash
# The arm64 half of the storage QEMU tests' guest: Debian's arm64 cloud kernel, busybox-static,
# the filesystem and md tools and nft with their libraries, from Debian's own arm64 packages, unpacked into
# one folder (the initramfs takes what it needs from there, as it takes the host's for x86-64).
# The packages come through a private apt list (arch=arm64) that leaves the machine's apt setup
# and its architectures alone; nothing is installed. Every library the tools need is checked.
# Usage: arm64-sysroot.sh DIR   (DIR/root: the tree; DIR/debs: the packages; skipped when done)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$1
# Tools and the libraries they link (checked below); the kernel by its metapackage.
packages=(linux-image-cloud-arm64 busybox-static mdadm e2fsprogs xfsprogs btrfs-progs util-linux nftables
  libc6 libgcc-s1 libudev1 libcap2 libext2fs2 libcom-err2 libss2 libblkid1 libuuid1 libinih1 liburcu8
  libedit2 libbsd0 libmd0 libtinfo6 libzstd1 liblzo2-2 zlib1g
  libnftables1 libmnl0 libnftnl11 libjansson4 libgmp10 libxtables12)
stamp="$dir/root/.packages-$(echo "${packages[*]}" | sha256sum | cut -c1-16)"
[ -f "$stamp" ] && exit 0

debian_mirror() {
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || { echo "arm64-sysroot: cannot find a Debian mirror in /etc/apt" >&2; exit 1; }
  echo "$uri"
}
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
apt_dir=$(mktemp -d /tmp/arm64-apt.XXXXXX)
trap 'rm -rf "$apt_dir"' EXIT
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
echo "deb [arch=arm64] $(debian_mirror) $suite main" > "$apt_dir/sources.list"
apt_opts=(-o Dir::Etc::sourcelist="$apt_dir/sources.list" -o Dir::Etc::sourceparts=/dev/null
  -o Dir::State::Lists="$apt_dir/lists" -o Dir::State::status=/dev/null -o Dir::Cache="$apt_dir/cache"
  -o APT::Architecture=arm64 -o APT::Architectures=arm64
  -o APT::Sandbox::User=root)  # apt's own user cannot write into a private folder of root's
apt-get -qq "${apt_opts[@]}" update
# The metapackage names the current kernel package.
kernel=$(apt-cache "${apt_opts[@]}" depends linux-image-cloud-arm64 | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ {print $2; exit}')
[ -n "$kernel" ] || { echo "arm64-sysroot: no kernel package behind linux-image-cloud-arm64" >&2; exit 1; }

rm -rf "$dir/debs" "$dir/root"
mkdir -p "$dir/debs" "$dir/root"
(cd "$dir/debs" && apt-get -qq "${apt_opts[@]}" download "$kernel" "${packages[@]:1}")
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
kver=$(basename "$(ls "$dir"/root/boot/vmlinuz-*)" | sed 's/^vmlinuz-//')
depmod -b "$dir/root" "$kver"

# Every library the tools need, and the libraries those need, found in the tree (a missing one
# is named here, not at boot).
missing=0
declare -A seen
needed() { aarch64-linux-gnu-readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
check_libs() {
  local lib found
  for lib in $(needed "$1"); do
    [ -z "${seen[$lib]:-}" ] || continue
    seen[$lib]=1
    found=$(find "$dir/root/lib" "$dir/root/usr/lib" -name "$lib" -print -quit)
    if [ -z "$found" ]; then echo "arm64-sysroot: $1 needs $lib, which no listed package has" >&2; missing=1; continue; fi
    check_libs "$(readlink -f "$found")"
  done
}
for t in mke2fs e2fsck resize2fs debugfs mkfs.xfs xfs_growfs xfs_db mkfs.btrfs mdadm blkid nft; do
  path=$(find "$dir/root/sbin" "$dir/root/usr/sbin" "$dir/root/bin" "$dir/root/usr/bin" -name "$t" -print -quit)
  [ -n "$path" ] || { echo "arm64-sysroot: no $t in the packages" >&2; exit 1; }
  check_libs "$path"
done
[ $missing = 0 ] || exit 1
touch "$stamp"
echo "arm64-sysroot: $kernel and ${#packages[@]} packages in $dir/root"
