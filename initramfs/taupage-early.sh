# Taupage's early stage inside an initramfs, shared by the initramfs-tools boot script and the
# dracut hook (both source this file and call taupage_early ROOT). A failure never stops the boot:
# it is reported, CloudFormation hears FAILURE from taupage itself, and the later stages refuse
# to run because the early report says so.
# POSIX sh (busybox ash in initramfs-tools, bash in dracut).

# taupage_env ROOT: the environment file of the real root (so that an image builder or an
# operator changes it without rebuilding the initramfs), else the copy the hook put in.
taupage_env() {
	for f in "$1/etc/default/taupage" /etc/default/taupage; do
		if [ -r "$f" ]; then
			set -a
			# shellcheck disable=SC1090
			. "$f"
			set +a
			return 0
		fi
	done
}

# taupage_resolv: names need servers; in an initramfs they are in the DHCP answer only.
taupage_resolv() {
	[ -s /etc/resolv.conf ] && return 0
	for conf in /run/net-*.conf; do
		[ -r "$conf" ] || continue
		# shellcheck disable=SC1090
		(. "$conf"; for s in "$IPV4DNS0" "$IPV4DNS1"; do
			[ -n "$s" ] && [ "$s" != 0.0.0.0 ] && echo "nameserver $s"
		done) >> /etc/resolv.conf
	done
}

# taupage_failed_paragraph RC: what an operator reads on the console after a failed stage.
taupage_failed_paragraph() {
	cat <<MSG >&2

taupage: THE EARLY STAGE FAILED (exit $1). The line "early stage FAILED at step ..." above says
taupage: which step and why; /run/taupage/report-early.json has the details. Disks were not
taupage: formatted after the failure. The machine boots on: sshd starts so that you can log in,
taupage: the system and late stages (and the application) do not run in this boot, and
taupage: CloudFormation was told FAILURE if the user data has notify_cfn. Fix the user data or
taupage: the volumes and reboot; "taupage plan" shows what the next boot would do.

MSG
}

# taupage_early ROOT: runs the early stage against the real root mounted at ROOT.
taupage_early() {
	root=$1
	case " $(cat /proc/cmdline) " in
	*" taupage=off "*)
		echo "taupage: taupage=off on the kernel command line: early stage skipped" >&2
		return 0 ;;
	esac
	mkdir -p /run/taupage
	# The systemd units look for this: the early stage ran (or was tried) in the initramfs.
	echo "initramfs" > /run/taupage/early-ran-in
	taupage_env "$root"
	taupage_resolv
	# md is a module in distribution kernels; Taupage creates and assembles through its ioctls.
	modprobe -q md_mod 2>/dev/null
	# shellcheck disable=SC2086
	/usr/sbin/taupage boot --stage early --root "$root" --state-dir /run/taupage $TAUPAGE_BOOT_OPTIONS
	rc=$?
	# CPU time of this shell's children (taupage and the mkfs/fsck it ran), for the figures.
	times > /run/taupage/early-times 2>/dev/null
	[ "$rc" = 0 ] || taupage_failed_paragraph "$rc"
	return 0
}
