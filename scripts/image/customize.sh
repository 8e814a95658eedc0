#!/usr/bin/env bash
# mmdebstrap hooks of scripts/image/build.sh: customize.sh PHASE ROOT
#   essential  before the other packages: uid and gid 999 are reserved for the application (the
#              container runs as 999:999; on Debian 12 systemd-journal would otherwise get gid 999)
#   customize  the hardening of the image (each item is checked by tests/integration/machine_qemu.sh
#              and listed in the README), networking, first-boot host keys, no apt sources
set -euo pipefail
phase=$1 root=$2

if [ "$phase" = essential ]; then
  grep -q '^application:' "$root/etc/group" || echo 'application:x:999:' >> "$root/etc/group"
  grep -q '^application:' "$root/etc/passwd" ||
    echo 'application:x:999:999:Taupage application:/nonexistent:/usr/sbin/nologin' >> "$root/etc/passwd"
  exit 0
fi

# No passwords: every account locked; sshd takes keys only.
chroot "$root" /usr/sbin/pwconv
chroot "$root" /usr/sbin/grpconv
awk -F: 'BEGIN { OFS = ":" } { if ($2 !~ /^[*!]/) $2 = "!*"; print }' "$root/etc/shadow" > "$root/etc/shadow.new"
cat "$root/etc/shadow.new" > "$root/etc/shadow"; rm "$root/etc/shadow.new"
mkdir -p "$root/etc/ssh/sshd_config.d"
cat > "$root/etc/ssh/sshd_config.d/10-image-hardening.conf" <<'C'
# The image: keys only (no account has a password), no forwarding of X11 or agents.
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PermitEmptyPasswords no
X11Forwarding no
AllowAgentForwarding no
C

# Host keys are made on each instance's first boot, not shipped in the image.
rm -f "$root"/etc/ssh/ssh_host_*
cat > "$root/etc/systemd/system/ssh-hostkeys.service" <<'C'
[Unit]
Description=Make this instance's SSH host keys (the image ships none)
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key
Before=ssh.service
After=local-fs.target

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
RequiredBy=ssh.service
C
chroot "$root" systemctl enable ssh-hostkeys.service

# No SUID or SGID programs: nothing here is run by an unprivileged user.
find "$root" -xdev -type f -perm /6000 -exec chmod ug-s {} +

# Hardened network sysctls (Docker turns ip_forward on for its bridge itself).
cat > "$root/etc/sysctl.d/60-image-hardening.conf" <<'C'
net.ipv4.conf.all.rp_filter = 1
net.ipv4.conf.default.rp_filter = 1
net.ipv4.conf.all.accept_redirects = 0
net.ipv4.conf.default.accept_redirects = 0
net.ipv6.conf.all.accept_redirects = 0
net.ipv6.conf.default.accept_redirects = 0
net.ipv4.conf.all.secure_redirects = 0
net.ipv4.conf.all.send_redirects = 0
net.ipv4.conf.default.send_redirects = 0
net.ipv4.conf.all.accept_source_route = 0
net.ipv6.conf.all.accept_source_route = 0
net.ipv4.conf.all.log_martians = 1
net.ipv4.icmp_echo_ignore_broadcasts = 1
net.ipv4.icmp_ignore_bogus_error_responses = 1
net.ipv4.tcp_syncookies = 1
kernel.kptr_restrict = 2
kernel.dmesg_restrict = 1
C

# Networking: DHCP on every NIC with systemd-networkd (it takes the initramfs's lease over).
mkdir -p "$root/etc/systemd/network"
cat > "$root/etc/systemd/network/80-dhcp.network" <<'C'
[Match]
Name=en* eth*

[Network]
DHCP=yes
C
chroot "$root" systemctl enable systemd-networkd.service systemd-resolved.service
echo taupage > "$root/etc/hostname"

# An image, not a machine: no machine id, no apt sources (they would name a mirror).
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id" "$root/etc/apt/sources.list"
rm -f "$root"/etc/apt/sources.list.d/*
