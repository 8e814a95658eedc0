#!/usr/bin/env bash
# `make deb`: build/taupage_<version>_<arch>.deb with dpkg-deb, from the static binary and the
# files under initramfs/, systemd/ and packaging/. Installing it enables the units and updates the
# initramfs (a dpkg trigger that initramfs-tools answers); removing it undoes both.
# Usage: scripts/deb.sh BINARY VERSION OUT_DIR [ARCH]   (ARCH: amd64, the default, or arm64;
# STRIP: the binary's strip, e.g. aarch64-linux-gnu-strip)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1 version=$2 out=$3 arch=${4:-amd64}
pkg=$out/deb-root
rm -rf "$pkg"
install -d "$pkg/DEBIAN" "$pkg/usr/sbin" "$pkg/usr/share/taupage" "$pkg/usr/share/doc/taupage" \
  "$pkg/usr/share/man/man8" "$pkg/usr/share/initramfs-tools/hooks" \
  "$pkg/usr/share/initramfs-tools/scripts/local-bottom" "$pkg/usr/lib/dracut/modules.d/90taupage" \
  "$pkg/lib/systemd/system" "$pkg/etc/default"
install -m 0755 "$bin" "$pkg/usr/sbin/taupage"
"${STRIP:-strip}" --strip-unneeded "$pkg/usr/sbin/taupage" 2>/dev/null || true
install -m 0644 initramfs/taupage-early.sh "$pkg/usr/share/taupage/taupage-early.sh"
install -m 0755 initramfs/initramfs-tools/hooks/taupage "$pkg/usr/share/initramfs-tools/hooks/taupage"
install -m 0755 initramfs/initramfs-tools/scripts/local-bottom/taupage "$pkg/usr/share/initramfs-tools/scripts/local-bottom/taupage"
install -m 0755 initramfs/dracut/90taupage/module-setup.sh initramfs/dracut/90taupage/taupage-pre-pivot.sh \
  "$pkg/usr/lib/dracut/modules.d/90taupage/"
install -m 0644 initramfs/dracut/90taupage/taupage-dhcp.network "$pkg/usr/lib/dracut/modules.d/90taupage/"
install -m 0644 systemd/taupage-early.service systemd/taupage-deferred.service systemd/taupage-system.service \
  systemd/taupage-late.service systemd/taupage-credentials.service "$pkg/lib/systemd/system/"
# The log agents are not ours; when an image has them, they start after the system stage wrote
# their configuration.
for agent in scalyr-agent-2 logentries; do
  install -D -m 0644 "systemd/$agent.service.d/taupage.conf" "$pkg/lib/systemd/system/$agent.service.d/taupage.conf"
done
install -m 0644 packaging/taupage.default "$pkg/etc/default/taupage"
sed "s/@VERSION@/$version/" packaging/taupage.8 | gzip -9n > "$pkg/usr/share/man/man8/taupage.8.gz"
chmod 0644 "$pkg/usr/share/man/man8/taupage.8.gz"

# The licences of what is compiled in, in Debian's machine-readable form.
{
  cat <<'C'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: taupage
Comment: one static executable; libyaml and mbedTLS are compiled in (third_party/versions.lock).

Files: *
Copyright: 2026 the Taupage authors
License: Apache-2.0
 On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0.

Files: libyaml/*
Copyright: 2017-2020 Ingy döt Net, 2006-2016 Kirill Simonov
License: Expat
C
  sed 's/^$/./; s/^/ /' third_party/licenses/libyaml-License
  cat <<'C'

Files: mbedtls/*
Copyright: The Mbed TLS Contributors
License: Apache-2.0 or GPL-2.0+
 mbedTLS is dual-licensed; Taupage uses it under Apache-2.0.
 On Debian systems the full texts are in /usr/share/common-licenses/Apache-2.0 and GPL-2.
C
} > "$pkg/usr/share/doc/taupage/copyright"
printf 'taupage (%s) unstable; urgency=medium\n\n  * Built from the Taupage repository.\n\n -- Taupage maintainers <taupage@example.org>  %s\n' \
  "$version" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")" \
  | gzip -9n > "$pkg/usr/share/doc/taupage/changelog.gz"

# Deliberate: one static executable with mbedTLS 3.6 (bookworm ships 2.28, past its end of
# life) and libyaml compiled in, so that it runs in any initramfs without libraries.
install -d "$pkg/usr/share/lintian/overrides"
cat > "$pkg/usr/share/lintian/overrides/taupage" <<'O'
# one static executable, so that the initramfs needs no libraries; mbedTLS 3.6 is not in bookworm
taupage: statically-linked-binary [usr/sbin/taupage]
taupage: embedded-library libyaml [usr/sbin/taupage]
O
# lintian recognises mbedTLS by strings it finds in the amd64 build only (an unused override is
# itself a warning).
[ "$arch" = amd64 ] && echo 'taupage: embedded-library mbedtls [usr/sbin/taupage]' >> "$pkg/usr/share/lintian/overrides/taupage"
echo /etc/default/taupage > "$pkg/DEBIAN/conffiles"
# initramfs-tools (and Debian's dracut) rebuild the initramfs once at the end of the dpkg run.
echo "activate-noawait update-initramfs" > "$pkg/DEBIAN/triggers"
cat > "$pkg/DEBIAN/postinst" <<'S'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
	mkdir -p /mounts
	for unit in taupage-early.service taupage-deferred.service taupage-system.service taupage-late.service taupage-credentials.service; do
		deb-systemd-helper enable "$unit" >/dev/null || true
	done
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
	fi
fi
exit 0
S
# Removing the package undoes the enabling completely (links and deb-systemd-helper's state), so
# that installing it again enables the units again.
cat > "$pkg/DEBIAN/postrm" <<'S'
#!/bin/sh
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then
	if command -v deb-systemd-helper >/dev/null; then
		for unit in taupage-early.service taupage-deferred.service taupage-system.service taupage-late.service taupage-credentials.service; do
			deb-systemd-helper purge "$unit" >/dev/null || true
		done
	fi
	if [ -d /run/systemd/system ]; then
		systemctl --system daemon-reload >/dev/null || true
	fi
fi
exit 0
S
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/postrm"
size_kb=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<C
Package: taupage
Version: $version
Architecture: $arch
Maintainer: Taupage maintainers <taupage@example.org>
Installed-Size: $size_kb
Depends: init-system-helpers (>= 1.52)
Recommends: initramfs-tools | dracut, e2fsprogs
Suggests: xfsprogs, btrfs-progs
Section: admin
Priority: optional
Description: boot agent of a hardened EC2 image
 Taupage reads YAML user data and, on every boot, attaches EBS volumes, builds
 md RAID, formats and mounts, sets an nftables firewall, decrypts KMS secrets,
 runs one Docker container, waits for its health check and signals
 CloudFormation. The early stage runs in the initramfs (initramfs-tools hook or
 dracut module), the system stage before sshd and dockerd, the late stage after
 dockerd.
C
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
deb=$out/taupage_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
