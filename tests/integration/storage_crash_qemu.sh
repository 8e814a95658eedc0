#!/usr/bin/env bash
# Power cuts at every point of the disk steps (issue 15 §1), on Debian's cloud kernel in QEMU
# (TCG). A trace boot runs each scenario once, uncut, and lists the cut points it passes
# (TAUPAGE_CUT_TRACE=1, src/storage/cut_point.h). Then each chosen cut gets its own boot: Taupage
# resets the guest itself right after that cut point (TAUPAGE_CUT_AFTER=N TAUPAGE_CUT_HOW=sysrq:
# no sync, no array stop, its files still open, unflushed writes lost). The next boot, same disks, no
# cut, must converge to the configured state and keep data written afterwards across another run;
# it also cuts the next point (guest half: tests/qemu-guest/guest-crash.sh).
# Scenarios: RAID 0 and RAID 1 created over blank members (old bytes inside), a blank disk
# formatted, an ext4 grown to its disk, an ext4 erased (erase_on_boot).
# CRASH_SWEEP=full runs every cut point (make crash-test); CRASH_SWEEP="raid0:24 raid1:18" those
# cuts; unset, a few chosen ones (make test).
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/storage/qemu.sh
work=$(mktemp -d /tmp/storage-crash.XXXXXX)
trap 'rm -rf "$work"' EXIT
qemu_logs=build/storage-crash-qemu
mkdir -p "$qemu_logs"
export STORAGE_INITRD=$PWD/build/storage-qemu/initramfs.cpio.gz
qemu_initramfs
token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
sweep=${CRASH_SWEEP:-subset}
scenarios=(raid0 raid1 format grow erase)

# prep SCENARIO FILE-PREFIX: the disks of one run of a scenario, as it finds them before Taupage.
mkdir -p "$work/hostfiles" && echo made-on-host > "$work/hostfiles/hostfile"
prep() {
  local s=$1 f=$2
  case $s in
    raid0|raid1)
      for m in a b; do
        truncate -s 32M "$f-$m.img"
        # Blank by Taupage's rule (first and last MiB zeros) with old bytes inside, as a reused volume.
        dd if=/dev/urandom of="$f-$m.img" bs=1M seek=1 count=30 conv=notrunc status=none
      done ;;
    format) truncate -s 32M "$f-a.img" && dd if=/dev/urandom of="$f-a.img" bs=1M seek=1 count=30 conv=notrunc status=none ;;
    grow) truncate -s 64M "$f-a.img" && mke2fs -q -F -t ext4 -d "$work/hostfiles" "$f-a.img" 32M ;;
    erase) truncate -s 32M "$f-a.img" && mke2fs -q -F -t ext4 -d "$work/hostfiles" "$f-a.img" ;;
  esac
}
# disks SCENARIO FILE-PREFIX SLOT-PREFIX: the QEMU disk arguments (virtio, serial xvd<slot>a/b).
disks() {
  echo "virtio:xvd${3}a:$2-a.img"
  case $1 in raid*) echo "virtio:xvd${3}b:$2-b.img" ;; esac
}

# boot PHASE DISK...: one boot, its console in $qemu_logs/boot-PHASE.log. Under a heavily loaded
# host, TCG's timer can fail the kernel's IO-APIC check ("IO-APIC + timer doesn't work", a panic
# before any user space ran, the disks untouched): only such a boot is done again, twice at most.
boot() {
  local phase=$1; shift
  for _ in 1 2 3; do
    storage_qemu_boot "$work/boot.log" "$phase" "$token" "$@"
    tr -d '\r' < "$work/boot.log" > "$qemu_logs/boot-$phase.log"
    grep -q "^TP-BOOT phase=$phase\$" "$qemu_logs/boot-$phase.log" && return
    grep -q 'Kernel panic' "$qemu_logs/boot-$phase.log" || return
    echo "boot-$phase: $(grep -m1 -o 'Kernel panic.*' "$qemu_logs/boot-$phase.log" | cut -c1-70)... before /init; booting again"
  done
}

# The trace boot.
trace_disks=()
for s in "${scenarios[@]}"; do
  case $s in raid0) p=ta ;; raid1) p=tb ;; format) p=tc ;; grow) p=td ;; erase) p=te ;; esac
  prep "$s" "$work/trace-$s"
  mapfile -t d < <(disks "$s" "$work/trace-$s" "$p")
  trace_disks+=("${d[@]}")
done
boot crash-trace "${trace_disks[@]}"
log=$qemu_logs/boot-crash-trace.log
declare -A count
for s in "${scenarios[@]}"; do
  if grep -q "^TP-OK trace-$s\$" "$log"; then pass "trace/$s"; else flunk "trace/$s" "$(grep -m1 "^TP-FAIL trace-$s" "$log" || echo 'no result')"; fi
  count[$s]=$(sed -n "s/^TP-CUTS $s \([0-9]*\)\$/\1/p" "$log")
  [ -n "${count[$s]}" ] && [ "${count[$s]}" -gt 0 ] || { flunk "trace/$s-cut-points" "none listed"; finish; }
done
grep '^TP-TRACE ' "$log" | sed 's/^TP-TRACE //' > "$qemu_logs/cut-points.txt"

# The cuts: all, or for make test a few that stand for the kinds of state a cut leaves.
# what SCENARIO N: the trace's words for that cut point.
what() { sed -n "s/^$1 cut point $2: //p" "$qemu_logs/cut-points.txt"; }
# first SCENARIO REGEX: the number of the first cut point of the scenario matching REGEX.
first() { sed -n "s/^$1 cut point \([0-9]*\): .*$2.*/\1/p" "$qemu_logs/cut-points.txt" | head -1; }
cuts=()
if [ "$sweep" = full ]; then
  for s in "${scenarios[@]}"; do for ((n = 1; n <= count[$s]; n++)); do cuts+=("$s $n"); done; done
elif [ "$sweep" != subset ]; then
  for c in $sweep; do cuts+=("${c%%:*} ${c#*:}"); done  # CRASH_SWEEP="raid0:24 raid1:18": those cuts
else
  # RAID 0: one superblock of two written and flushed (a half-written array); RAID 1: the array
  # started; format: mkfs done, not mounted; grow: resize2fs done on the mounted filesystem.
  # (PICK: scenario|pattern|how many points after the first match)
  for pick in "raid0|write .* at 0 (4608 bytes)|1" "raid1|RUN_ARRAY|0" "format|mkfs|0" "grow|resize2fs|0"; do
    IFS='|' read -r s pattern plus <<< "$pick"
    n=$(first "$s" "$pattern")
    [ -n "$n" ] || { flunk "subset/$s" "no cut point matching $pattern"; continue; }
    cuts+=("$s $((n + plus))")
  done
fi
echo "sweep $sweep: ${#cuts[@]} cuts of $((count[raid0] + count[raid1] + count[format] + count[grow] + count[erase])) cut points"

outcomes=$qemu_logs/outcomes.txt
: > "$outcomes"
prev_s=none prev_n=0
run_boot() {  # CUT-SCENARIO CUT-N ("none 0" for the last check)
  local s=$1 n=$2 d=() phase="crash-$prev_s-$prev_n-$1-$2"
  if [ "$prev_s" != none ]; then mapfile -t d < <(disks "$prev_s" "$work/$prev_s-$prev_n" k); fi
  if [ "$s" != none ]; then
    prep "$s" "$work/$s-$n"
    mapfile -t -O "${#d[@]}" d < <(disks "$s" "$work/$s-$n" c)
  fi
  boot "$phase" "${d[@]}"
  local log=$qemu_logs/boot-$phase.log
  if [ "$prev_s" != none ]; then
    local label="$prev_s@$prev_n" c result
    for c in check-boot converged reboot-keeps-data; do
      if grep -q "^TP-OK $c\$" "$log"; then pass "$label/$c"; else flunk "$label/$c ($(what "$prev_s" "$prev_n"))" "$(grep -m1 "^TP-FAIL $c:" "$log" || echo 'no result')"; fi
    done
    # The outcome of the boot after the cut, for docs/storage.md: the steps' summary lines.
    result=$(grep -E "^\[${prev_s}n${prev_n}\] +(raid|mounts) +[a-z]+ " "$log" | head -2 | sed 's/^\[[^]]*\] *//' | tr -s ' ' | paste -sd ';' -)
    echo "$prev_s $prev_n | $(what "$prev_s" "$prev_n") | $(grep -q "^TP-OK converged\$" "$log" && echo converged || echo NOT-converged) | $result" >> "$outcomes"
    rm -f "$work/$prev_s-$prev_n"-*.img
  fi
  if [ "$s" != none ]; then
    if grep -q "taupage: TAUPAGE_CUT_AFTER=$n: cut after " "$log" && ! grep -q '^TP-DONE' "$log"; then
      pass "$s@$n/cut"
    else
      flunk "$s@$n/cut" "$(grep -m1 '^TP-FAIL cut' "$log" || tail -5 "$log")"
    fi
  fi
  prev_s=$s prev_n=$n
}
# shellcheck disable=SC2086  # $c is "SCENARIO POINT": two arguments
for c in "${cuts[@]}"; do run_boot $c; done
run_boot none 0
finish
