#!/usr/bin/env bash
# The package and the manual: `make deb`'s .deb built from $TAUPAGE_BIN, lintian without errors,
# its files and conffile, the manual taupage(8) against `taupage --help` (every command and every
# option both ways), and, when the image's root tree is there (machine_qemu.sh builds it first),
# install and removal in a chroot of it: the units enabled and then disabled, the initramfs
# rebuilt with Taupage's hook and then without.
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh   # pass, flunk, finish
bin=${TAUPAGE_BIN:-$PWD/build/taupage}
work=$(mktemp -d /tmp/package-test.XXXXXX)
tree=$work/tree
cleanup() {
  for m in proc sys dev; do umount -R "$tree/$m" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
version=$("$bin" version | awk '{print $2}')
deb=$(bash scripts/deb.sh "$bin" "$version" "$work") || { flunk deb "scripts/deb.sh failed"; finish; }
[ "$(basename "$deb")" = "taupage_${version}_amd64.deb" ] && pass deb-built || flunk deb-built "$deb"
echo "size: $(stat -c %s "$deb") bytes $(basename "$deb")"

lintian --no-tag-display-limit "$deb" > "$work/lintian.out" 2>&1
if grep -q '^E:' "$work/lintian.out"; then flunk lintian-no-errors "$(grep '^E:' "$work/lintian.out" | head -5 | tr '\n' ' ')"
else pass lintian-no-errors; fi
echo "lintian warnings: $(grep -c '^W:' "$work/lintian.out")"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/files"
missing=""
for f in /usr/sbin/taupage /usr/share/taupage/taupage-early.sh /usr/share/initramfs-tools/hooks/taupage \
  /usr/share/initramfs-tools/scripts/local-bottom/taupage /usr/lib/dracut/modules.d/90taupage/module-setup.sh \
  /usr/lib/dracut/modules.d/90taupage/taupage-pre-pivot.sh /lib/systemd/system/taupage-early.service \
  /lib/systemd/system/taupage-deferred.service /lib/systemd/system/taupage-system.service \
  /lib/systemd/system/taupage-late.service /lib/systemd/system/taupage-credentials.service /etc/default/taupage \
  /usr/share/man/man8/taupage.8.gz /usr/share/doc/taupage/copyright \
  /lib/systemd/system/scalyr-agent-2.service.d/taupage.conf /lib/systemd/system/logentries.service.d/taupage.conf; do
  grep -qxF "$f" "$work/files" || missing="$missing $f"
done
[ -z "$missing" ] && pass deb-files || flunk deb-files "missing:$missing"
# The log agents' drop-ins order them after the system stage, which writes their configuration.
for agent in scalyr-agent-2 logentries; do
  dropin=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO "./lib/systemd/system/$agent.service.d/taupage.conf" 2>/dev/null | grep -v '^#')
  [ "$dropin" = "$(printf '[Unit]\nAfter=taupage-system.service')" ] && pass "dropin-$agent-after-system-stage" ||
    flunk "dropin-$agent-after-system-stage" "$dropin"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/default/taupage && pass conffile || flunk conffile
for lib in libyaml mbedtls; do
  grep -qi "$lib" <(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/taupage/copyright) && pass "licence-$lib" || flunk "licence-$lib"
done

# The manual against --help.
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/man/man8/taupage.8.gz | gunzip > "$work/taupage.8"
if MANWIDTH=100 man -l "$work/taupage.8" > "$work/man.txt" 2> "$work/man.err" && [ ! -s "$work/man.err" ]; then pass man-renders
else flunk man-renders "$(head -3 "$work/man.err")"; fi
help_commands=$("$bin" --help | awk '/^commands:/ {on=1; next} on && NF == 0 {on=0} on {print $1}' | sort)
man_commands=$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' "$work/man.txt" | grep -oE '^ +taupage +[a-z]+' | awk '{print $2}' | sort -u)
# shellcheck disable=SC2086,SC2116  # echo joins the words with single spaces
[ -n "$help_commands" ] && [ "$help_commands" = "$man_commands" ] && pass man-commands-agree-with-help ||
  flunk man-commands-agree-with-help "help: $(echo $help_commands); man: $(echo $man_commands)"
options_of() { grep -oE -- '--[a-z][a-z-]*' | grep -vx -- '--help' | sort -u; }
bad=""
for c in $help_commands; do
  help_opts=$("$bin" "$c" --help 2>&1 | sed -n '1,/^  [A-Z]/p' | options_of)
  man_opts=$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' "$work/man.txt" | awk -v c="$c" '/^ +taupage / {on = ($2 == c)} on' | options_of)
  # shellcheck disable=SC2086,SC2116  # echo joins the words with single spaces
  [ "$help_opts" = "$man_opts" ] || bad="$bad $c(help: $(echo $help_opts); man: $(echo $man_opts))"
  for o in $help_opts; do grep -q -- "$o" "$work/man.txt" || bad="$bad $c:$o-undocumented"; done
done
[ -z "$bad" ] && pass man-options-agree-with-help || flunk man-options-agree-with-help "$bad"
for section in SYNOPSIS COMMANDS STAGES ENVIRONMENT FILES "EXIT STATUS" EXAMPLES; do
  grep -q "^$section" "$work/man.txt" || bad="$bad $section"
done
[ -z "$bad" ] && pass man-sections || flunk man-sections "missing:$bad"

# Install and remove in a chroot of the image's root tree (when machine_qemu.sh has built it).
root_tar=build/machine-qemu/image/root.tar
if [ -s "$root_tar" ]; then
  mkdir -p "$tree"
  tar -C "$tree" --numeric-owner -xpf "$root_tar"
  mount -t proc proc "$tree/proc"; mount -t sysfs sys "$tree/sys"; mount --rbind /dev "$tree/dev"
  in_tree() { chroot "$tree" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
  initrd=$(cd "$tree/boot" && ls initrd.img-* | head -1)
  # This package's maintainer scripts, not those of the package the tree was built with.
  cp "$deb" "$tree/tmp/taupage.deb"
  in_tree dpkg -i /tmp/taupage.deb > "$work/upgrade.log" 2>&1 || flunk upgrade "$(tail -3 "$work/upgrade.log")"
  in_tree dpkg -r taupage > "$work/remove.log" 2>&1 || flunk remove "$(tail -3 "$work/remove.log")"
  enabled=$(ls "$tree"/etc/systemd/system/*.wants/taupage-* 2>/dev/null | wc -l)
  in_initrd=$(in_tree lsinitramfs "/boot/$initrd" | grep -c '^usr/sbin/taupage$')
  [ "$enabled" = 0 ] && [ "$in_initrd" = 0 ] && pass remove-disables-units-and-updates-initramfs ||
    flunk remove-disables-units-and-updates-initramfs "$enabled units enabled, taupage in the initramfs: $in_initrd"
  in_tree dpkg -i /tmp/taupage.deb > "$work/install.log" 2>&1 || flunk install "$(tail -3 "$work/install.log")"
  enabled=$(ls "$tree"/etc/systemd/system/*.wants/taupage-{early,deferred,system,late,credentials}.service 2>/dev/null | wc -l)
  in_initrd=$(in_tree lsinitramfs "/boot/$initrd" | grep -cE '^(usr/sbin/taupage|usr/sbin/mkfs.ext4|scripts/local-bottom/taupage)$')
  [ "$enabled" = 5 ] && [ "$in_initrd" = 3 ] && pass install-enables-units-and-updates-initramfs ||
    flunk install-enables-units-and-updates-initramfs "$enabled of 5 units enabled, $in_initrd of 3 files in the initramfs"
  # e2fsprogs' mkfs.ext4 in the initramfs, not busybox's applet
  if in_tree sh -c "cd /tmp && rm -rf i && mkdir i && cd i && unmkinitramfs /boot/$initrd . && ls -l main/usr/sbin/mkfs.ext4 main/usr/sbin/mke2fs 2>/dev/null || ls -l usr/sbin/mkfs.ext4" > "$work/mkfs.txt" 2>&1 &&
     ! grep -q busybox "$work/mkfs.txt"; then
    pass initramfs-mkfs-is-e2fsprogs
  else
    flunk initramfs-mkfs-is-e2fsprogs "$(tr '\n' ' ' < "$work/mkfs.txt")"
  fi
  in_tree systemd-analyze verify --man=no taupage-early.service taupage-deferred.service taupage-system.service taupage-late.service taupage-credentials.service > "$work/verify.txt" 2>&1
  [ ! -s "$work/verify.txt" ] && pass systemd-analyze-verify || flunk systemd-analyze-verify "$(head -3 "$work/verify.txt" | tr '\n' ' ')"
else
  echo "(no image root tree at $root_tar: install and removal not checked; machine_qemu.sh builds it)"
fi
finish
