#!/bin/sh
# The guest half of tests/integration/storage_crash_qemu.sh: power cuts in the disk steps. The
# phase on the kernel command line says what this boot does:
#   crash-trace                  every scenario once, uncut, with TAUPAGE_CUT_TRACE=1: the list
#                                of its cut points (TP-CUTS <scenario> <count>, TP-TRACE lines)
#   crash-<s>-<n>-<t>-<m>        first the check of scenario s cut after its point n in the boot
#                                before (disks xvdk*), then scenario t cut after its point m
#                                (disks xvdc*): Taupage resets the machine at that point itself
#                                (sysrq b: no sync, no md stop, its files still open).
# "none" stands for no scenario. The check boots Taupage again without a cut and requires that
# it converges; then data is written, the array stopped as at a reboot, and Taupage run once more
# must keep that data. Results are TP-OK / TP-FAIL lines (tests/qemu-guest/guest-lib.sh).
phase=$1
. /guest-lib.sh
export TAUPAGE_DEVICE_WAIT_SECONDS=5
# shellcheck disable=SC2034  # read by guest-lib.sh
TP_ONLY=raid,mounts
token=$(sed -n 's/.*tptoken=\([a-z0-9]*\).*/\1/p' /proc/cmdline)

# scenario_cfg NAME SCENARIO PREFIX: the user data of a scenario over the disks /dev/xvd<PREFIX>a
# (and b); NAME is the array's name, the same in the cut boot and the check boot.
scenario_cfg() {
  case $2 in
    raid0|raid1)
      printf 'volumes:\n  raid:\n    /dev/md/%s:\n      level: %s\n      devices: [/dev/xvd%sa, /dev/xvd%sb]\nmounts:\n  /d:\n    partition: /dev/md/%s\n' \
        "$1" "${2#raid}" "$3" "$3" "$1" | cfg "$1" ;;
    format|grow) printf 'mounts:\n  /d:\n    partition: /dev/xvd%sa\n' "$3" | cfg "$1" ;;
    erase) printf 'mounts:\n  /d:\n    partition: /dev/xvd%sa\n    erase_on_boot: true\n' "$3" | cfg "$1" ;;
  esac
}
mounted_ext4() { grep -q " /sysroot/$1/mounts/d ext4 " /proc/mounts; }
# The examine lines that tell a state apart (for the record on the console).
examine() { for d in "$@"; do mdadm --examine "$d" 2>&1 | grep -E 'Events|Array UUID|Update Time' | sed "s|^|[examine $d] |"; done; }

# converged NAME SCENARIO PREFIX: the configured state is there.
converged() {
  mounted_ext4 "$1" || { echo "/sysroot/$1/mounts/d is not an ext4 mount"; return 1; }
  case $2 in
    raid0|raid1)
      md=$(basename "$(readlink -f "/dev/md/$1")")
      [ "$(cat "/sys/block/$md/md/level")" = "$2" ] || { echo "level $(cat "/sys/block/$md/md/level")"; return 1; }
      [ "$(ls "/sys/block/$md/slaves" | wc -l)" = 2 ] || { echo "$md has members: $(ls "/sys/block/$md/slaves")"; return 1; }
      [ "$(cat "/sys/block/$md/md/degraded" 2>/dev/null || echo 0)" = 0 ] || { echo "$md is degraded"; return 1; } ;;
    grow)
      grep -q made-on-host "/sysroot/$1/mounts/d/hostfile" || { echo "the host's file is gone"; return 1; }
      [ "$(df -k "/sysroot/$1/mounts/d" | tail -1 | awk '{print $2}')" -gt 50000 ] || { echo "not grown"; return 1; } ;;
    erase) [ ! -e "/sysroot/$1/mounts/d/hostfile" ] || { echo "the old filesystem is still there"; return 1; } ;;
  esac
}
# reboot_keeps NAME SCENARIO: data written now survives a stop and another run of Taupage (an
# erase_on_boot device is formatted again instead).
reboot_keeps() {
  echo "$token" > "/sysroot/$1/mounts/d/token" && sync || return 1
  umount "/sysroot/$1/mounts/d" || return 1
  case $2 in raid*) mdadm --stop "/dev/md/$1" > /dev/null 2>&1 || return 1 ;; esac
  cp "/out/$1.log" "/out/$1-first.log"
  tp "$1" || return 1
  if [ "$2" = erase ]; then
    [ ! -e "/sysroot/$1/mounts/d/token" ] && has "$1" 'erase_on_boot: true, formatted'
  else
    grep -q "$token" "/sysroot/$1/mounts/d/token" && lacks "$1" 'formatted' && lacks "$1" 'created'
  fi
}
lacks() { ! grep -q -- "$2" "/out/$1.log"; }

name_of() { echo "$1n$2"; }  # raid0 5 -> raid0n5
mkdir -p /sysroot
mount -t tmpfs root /sysroot
roots() { for n in "$@"; do mkdir -p "/sysroot/$n/mounts"; done; }
# The trace boot's disks: /dev/xvdt<letter>a (and b), one letter per scenario.
trace_prefix() { case $1 in raid0) echo ta ;; raid1) echo tb ;; format) echo tc ;; grow) echo td ;; erase) echo te ;; esac; }

if [ "$phase" = crash-trace ]; then
  roots raid0n0 raid1n0 formatn0 grown0 erasen0
  mount -o remount,ro /sysroot
  export TAUPAGE_CUT_TRACE=1
  for s in raid0 raid1 format grow erase; do
    n=$(name_of $s 0)
    scenario_cfg "$n" "$s" "$(trace_prefix $s)"
    tp "$n" > /dev/null; rc=$?
    [ $rc = 0 ] && echo "TP-OK trace-$s" || echo "TP-FAIL trace-$s: exit $rc"
    echo "TP-CUTS $s $(grep -c 'cut point [0-9]*:' "/out/$n.log")"
    grep -o 'cut point [0-9]*: .*' "/out/$n.log" | sed "s/^/TP-TRACE $s /"
    case $s in raid*) examine "/dev/xvd$(trace_prefix $s)a" ;; esac
  done
  exit 0
fi

# crash-<s>-<n>-<t>-<m>
# shellcheck disable=SC2046  # the phase's words become the arguments
set -- $(echo "${phase#crash-}" | tr '-' ' ')
check_s=$1 check_n=$2 cut_s=$3 cut_n=$4
r=""
[ "$check_s" != none ] && r="$r $(name_of "$check_s" "$check_n")"
[ "$cut_s" != none ] && r="$r $(name_of "$cut_s" "$cut_n")"
# shellcheck disable=SC2086  # $r: the roots, one per word
roots $r
mount -o remount,ro /sysroot

if [ "$check_s" != none ]; then
  n=$(name_of "$check_s" "$check_n")
  case $check_s in raid*) examine /dev/xvdka /dev/xvdkb ;; esac
  scenario_cfg "$n" "$check_s" k
  tp "$n"; rc=$?
  if [ $rc = 0 ]; then echo "TP-OK check-boot"; else echo "TP-FAIL check-boot: exit $rc: $(grep -E 'FAILED|failed|error' "/out/$n.log" | tail -2 | tr '\n' ' ')"; fi
  check converged converged "$n" "$check_s" k
  check reboot-keeps-data reboot_keeps "$n" "$check_s"
fi

if [ "$cut_s" != none ]; then
  n=$(name_of "$cut_s" "$cut_n")
  scenario_cfg "$n" "$cut_s" c
  # The cut resets the machine from inside Taupage (TAUPAGE_CUT_HOW=sysrq): no sync, its files
  # still open, what it left unflushed lost. The host finds the cut's line on the console.
  echo 1 > /proc/sys/kernel/sysrq
  TAUPAGE_CUT_AFTER=$cut_n TAUPAGE_CUT_HOW=sysrq; export TAUPAGE_CUT_AFTER TAUPAGE_CUT_HOW
  tp "$n"; rc=$?
  echo "TP-FAIL cut: taupage ended (exit $rc) without reaching cut point $cut_n"
fi
