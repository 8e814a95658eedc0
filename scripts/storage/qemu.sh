# Sourced by the storage QEMU tests and benchmark: boots Debian's cloud kernel with the test
# initramfs under software emulation (KVM hangs on this kind of host), with a deadline.
# storage_qemu_boot LOG PHASE TOKEN DISK...   DISK = nvme:SERIAL:FILE | virtio:SERIAL:FILE
storage_kernel() { ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1; }

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
  timeout -k 5 "${STORAGE_QEMU_TIMEOUT:-180}" qemu-system-x86_64 -accel tcg -M pc -smp 1 -m 512 -nodefaults -no-user-config \
    -display none -no-reboot -serial stdio -monitor none \
    -kernel "$(storage_kernel)" -initrd "$STORAGE_INITRD" \
    -append "console=ttyS0 quiet panic=-1 tpphase=$phase tptoken=$token tpdisks=$n" \
    "${args[@]}" < /dev/null > "$log" 2>&1
}
