# shellcheck shell=bash
# shellcheck disable=SC2154  # work and qemu_logs are set by the script that sources this file
# Sourced by the QEMU tests and benchmarks (storage, volumes): boots Debian's cloud kernel with
# the test initramfs under software emulation (KVM hangs on this kind of host), with a deadline,
# and reads the guest's marker lines (tests/qemu-guest/guest-lib.sh) into the tests' counts.
# storage_qemu_boot LOG PHASE TOKEN DISK...   DISK = nvme:SERIAL:FILE | virtio:SERIAL:FILE
# STORAGE_INITRD: the initramfs; STORAGE_QEMU_EXTRA (array): more QEMU arguments (a NIC, QMP).
# STORAGE_ARCH=arm64: an arm64 guest (QEMU's virt machine, a Neoverse N1 as in Graviton2, UEFI
# firmware, Debian's arm64 cloud kernel from scripts/storage/arm64-sysroot.sh).
STORAGE_ARCH=${STORAGE_ARCH:-amd64}
storage_kernel() {
  if [ "$STORAGE_ARCH" = arm64 ]; then
    ls build/arm64/guest/root/boot/vmlinuz-*-cloud-arm64 2>/dev/null | sort -V | tail -1
  else
    ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1
  fi
}
storage_qemu_command() {
  if [ "$STORAGE_ARCH" = arm64 ]; then
    echo qemu-system-aarch64 -accel tcg -M virt -cpu neoverse-n1 -bios /usr/share/qemu-efi-aarch64/QEMU_EFI.fd
  else
    echo qemu-system-x86_64 -accel tcg -M pc
  fi
}

storage_qemu_boot() {
  local log=$1 phase=$2 token=$3; shift 3
  local args=() n=0 kind serial file
  for disk in "$@"; do
    IFS=: read -r kind serial file <<< "$disk"
    n=$((n + 1))
    args+=(-drive "file=$file,if=none,id=d$n,format=raw,cache=unsafe")
    if [ "$kind" = nvme ]; then
      args+=(-device "nvme,drive=d$n,serial=$serial")
    else
      args+=(-device "virtio-blk-pci,drive=d$n,serial=$serial")
    fi
  done
  # no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can fail and panic
  # before /init ("IO-APIC + timer doesn't work"), seen in the crash sweep.
  local console="ttyS0 no_timer_check" timeout=180
  # Emulating another architecture costs more: a longer deadline.
  [ "$STORAGE_ARCH" = arm64 ] && console=ttyAMA0 timeout=900
  # shellcheck disable=SC2046  # the command's words
  timeout -k 5 "${STORAGE_QEMU_TIMEOUT:-$timeout}" $(storage_qemu_command) -smp 1 -m 512 -nodefaults -no-user-config \
    -display none -no-reboot -serial stdio -monitor none \
    -kernel "$(storage_kernel)" -initrd "$STORAGE_INITRD" \
    -append "console=$console quiet panic=-1 tpphase=$phase tptoken=$token tpdisks=$n" \
    "${args[@]}" ${STORAGE_QEMU_EXTRA[@]+"${STORAGE_QEMU_EXTRA[@]}"} < /dev/null > "$log" 2>&1
}

# The counts of a test script: pass NAME, flunk NAME [WHY], finish (prints "N passed, N failed").
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
flunk() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

# guest_checks SCRIPT PHASE: the check names the guest script runs in that phase, read from its
# `if [ "$phase" = PHASE ]; then ... fi` block, so that a check that never reports is a failure.
guest_checks() {
  awk -v p="$2" '$0 ~ "^if \\[ \"\\$phase\" = " p " \\]" {on=1} on && /^fi$/ {on=0} on && $1 == "check" {print $2}' "$1"
}

# qemu_run_phase SCRIPT PHASE DISK...: one boot; its console goes to $work/boot-PHASE.log and
# build/<suite>-qemu/ ($qemu_logs), then every check the guest script has for PHASE is counted.
qemu_run_phase() {
  local script=$1 phase=$2; shift 2
  local log=$work/boot-$phase.log
  storage_qemu_boot "$log" "$phase" "$token" "$@"
  local rc=$?
  tr -d '\r' < "$log" > "$log.clean" && mv "$log.clean" "$log"
  cp "$log" "$qemu_logs/boot-$phase.log"
  if ! grep -q "TP-DONE phase=$phase" "$log"; then
    flunk "boot-$phase" "the guest did not finish (qemu exit $rc); the end of the console:"
    tail -n 40 "$log" | sed 's/^/   | /'
    return
  fi
  pass "boot-$phase"
  for name in $(guest_checks "$script" "$phase"); do
    if grep -q "^TP-OK $name\$" "$log"; then
      pass "$phase/$name"
    else
      flunk "$phase/$name" "$(grep -m1 "^TP-FAIL $name:" "$log" || echo 'no result')"
    fi
  done
}

# qemu_initramfs: builds (when stale) the test initramfs into $STORAGE_INITRD, or fails the test.
qemu_initramfs() {
  # The arm64 kernel comes with the guest's packages (fetched on first use).
  if [ "$STORAGE_ARCH" = arm64 ] && ! bash scripts/storage/arm64-sysroot.sh build/arm64/guest > "$work/sysroot.log" 2>&1; then
    flunk sysroot "$(tail -3 "$work/sysroot.log")"; finish
  fi
  if [ -z "$(storage_kernel)" ] || ! command -v "$(storage_qemu_command | cut -d' ' -f1)" > /dev/null; then
    flunk setup "no cloud kernel or qemu (make deps installs them)"; finish
  fi
  if ! STORAGE_ARCH=$STORAGE_ARCH bash scripts/storage/build-initramfs.sh "$STORAGE_INITRD" > "$work/initramfs.log" 2>&1; then
    flunk initramfs "$(tail -3 "$work/initramfs.log")"; finish
  fi
}
