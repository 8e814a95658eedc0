# shellcheck shell=sh
# Taupage's early stage inside an initramfs, with its time budget, shared by the initramfs-tools
# boot script and the dracut hook (both source this file and call taupage_early ROOT), and the
# operator's paragraph after a failed stage, which the systemd units print too. A failure never
# stops the boot: it is reported, CloudFormation hears FAILURE from taupage itself, and the late
# stage refuses to run because the early report says so.
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

# taupage_failed_paragraph STAGE RC: what an operator reads on the console after a failed
# stage (the initramfs calls it; so do the units, from ExecStopPost=).
taupage_failed_paragraph() {
	# A stage that did not run because an earlier one failed: that one has said it all.
	grep -qs '"failed_step": *"(none)"' "/run/taupage/report-$1.json" && return 0
	later="sshd is configured, but the late stage (the application) does not run in this boot"
	[ "$1" = late ] && later="the application is not known to be running and healthy"
	cat <<MSG >&2

taupage: THE $(echo "$1" | tr '[:lower:]' '[:upper:]') STAGE FAILED (exit $2). The line "$1 stage FAILED at step ..." above
taupage: says which step failed and why; /run/taupage/report-$1.json has the details. Nothing after
taupage: the failed step ran, so no disk was formatted after it; $later.
taupage: sshd starts so that you can log in and look. CloudFormation was told FAILURE if the user
taupage: data has notify_cfn. Fix the user data or what the step needs, then reboot (or run
taupage: "taupage boot --stage $1"); "taupage plan" shows what a boot would do.

MSG
}

# taupage_deferred_paragraph SECONDS: what an operator reads on the console when the early stage
# spent the initramfs's time budget and left the steps that wait to the real root.
taupage_deferred_paragraph() {
	cat <<MSG >&2

taupage: THE EARLY STAGE SPENT ITS TIME IN THE INITRAMFS ($1 s, TAUPAGE_INITRAMFS_SECONDS in
taupage: /etc/default/taupage). The firewall is in place; the steps still waiting (the "deferred" lines
taupage: above say for what) run again on the real root in taupage-deferred.service, before dockerd and
taupage: the late stage; sshd starts meanwhile, so that you can log in and look
taupage: (journalctl -u taupage-deferred). The application starts only once they are done.

MSG
}

# taupage_budget: the --defer-after option for the initramfs's time budget, from
# TAUPAGE_INITRAMFS_SECONDS (default 180; 0: no budget, the volumes step waits its whole
# --volume-timeout in the initramfs).
taupage_budget() {
	budget=${TAUPAGE_INITRAMFS_SECONDS:-180}
	case "$budget" in
	0) return 0 ;;
	*[!0-9]*)
		echo "taupage: TAUPAGE_INITRAMFS_SECONDS=$budget is not a number of seconds; the budget is 180 s" >&2
		budget=180 ;;
	esac
	[ "${#budget}" -gt 5 ] && budget=86400
	echo "--defer-after $budget"
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
	# No resolv.conf is written here: taupage takes the DHCP answer's servers itself
	# (src/net/nameserver_sources.h), in the same order in every stage.
	# md is a module in distribution kernels; Taupage creates and assembles through its ioctls.
	modprobe -q md_mod 2>/dev/null
	defer=$(taupage_budget)
	# shellcheck disable=SC2086
	/usr/sbin/taupage boot --stage early --root "$root" --state-dir /run/taupage $defer $TAUPAGE_BOOT_OPTIONS
	rc=$?
	# CPU time of this shell's children (taupage and the mkfs/fsck it ran), for the figures.
	times > /run/taupage/early-times 2>/dev/null
	[ "$rc" = 0 ] || taupage_failed_paragraph early "$rc"
	# taupage-deferred.service looks for this: the steps that wait are left to the real root.
	if [ "$rc" = 0 ] && grep -qs '"outcome": *"deferred"' /run/taupage/report-early.json; then
		echo "initramfs" > /run/taupage/early-deferred
		taupage_deferred_paragraph "${defer#--defer-after }"
	fi
	return 0
}
