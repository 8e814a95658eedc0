#!/bin/sh
# The guest half of tests/integration/volumes_qemu.sh: Taupage's volumes, raid and mounts steps on
# an "instance" whose EBS volumes the EC2 stand-in hot-plugs into this guest as NVMe disks (QMP
# device_add, serial = the volume id without its dash), as Nitro does. IMDS answers at the real
# 169.254.169.254 and EC2 at AWS_ENDPOINT_URL_EC2 over HTTPS, both forwarded to the host by QEMU's
# user network; the stand-in's CA is only in the root's system bundle, as in production.
# Phases: volumes-first (attach, wait, refuse, time out) and volumes-reboot (all attached at boot).
phase=$1
token=$(sed -n 's/.*tptoken=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
. /guest-lib.sh
# shellcheck disable=SC2034  # read by guest-lib.sh
TP_ONLY=volumes,raid,mounts
export TAUPAGE_DEVICE_WAIT_SECONDS=8  # the ghost volume is attached but never shows up as a disk
. /etc/taupage-test/env               # AWS_ENDPOINT_URL_EC2; nothing points at IMDS or a CA

# No DHCP in this network; nothing to route beyond it either (QEMU's restrict=on).
ip link set lo up
ip link set eth0 up
ip addr add 169.254.169.15/24 dev eth0
echo "TP-TIME $(cut -d' ' -f1 /proc/uptime) network"

mkdir -p /sysroot
mount -t tmpfs root /sysroot
for s in pair late twins ghost; do
  mkdir -p "/sysroot/$s/mounts" "/sysroot/$s/etc/ssl/certs"
  cp /etc/taupage-test/ca.pem "/sysroot/$s/etc/ssl/certs/ca-certificates.crt"
done
mount -o remount,ro /sysroot

# serial_is NAME SERIAL: /dev/NAME is the disk whose NVMe serial is SERIAL.
serial_is() {
  disk=$(basename "$(readlink -f "/dev/$1")")
  [ -b "/dev/$disk" ] && [ "$(tr -d ' \n' < "/sys/block/$disk/device/serial")" = "$2" ]
}
mounted() { grep -q " $1 " /proc/mounts; }
pair_linked() {
  serial_is sdf vol0a11000000000000a && serial_is xvdf vol0a11000000000000a &&
    serial_is sdg vol0a11000000000000b && serial_is xvdg vol0a11000000000000b
}

# Two volumes named as users name them (/dev/sdf, /dev/sdg), built into RAID 0 and mounted.
cfg pair <<'Y'
volumes:
  ebs:
    /dev/sdf: data-a
    /dev/sdg: data-${local_ipv4}
  raid:
    /dev/md/data:
      level: 0
      devices: [/dev/sdf, /dev/sdg]
mounts:
  /data:
    partition: /dev/md/data
Y

if [ "$phase" = volumes-first ]; then
  check pair-boot tp pair
  check pair-attached has pair 'volumes    created'
  check pair-raid-created has pair 'raid       created'
  check pair-links pair_linked
  check pair-raid0 sh -c 'mdadm --detail /dev/md/data | grep -q "Raid Level : raid0" && mdadm --detail /dev/md/data | grep -q "Raid Devices : 2"'
  check pair-mounted mounted /sysroot/pair/mounts/data
  echo "$token" > /sysroot/pair/mounts/data/token

  # Held by the previous instance until 20 s after Taupage first sees it: waits, says who holds it.
  printf 'volumes:\n  ebs:\n    /dev/sdh: late\n' | cfg late
  check late-boot tp late
  check late-said-who has late 'attached to i-0previous00000001'
  check late-disk serial_is sdh vol0a11000000000000c

  # Two available volumes with one Name: refused, naming both; nothing attached, no link.
  printf 'volumes:\n  ebs:\n    /dev/sdi: twin\n' | cfg twins
  check twins-refused fails tp twins
  check twins-named has twins 'vol-0a11000000000000d, vol-0a11000000000000e'
  check twins-no-link fails test -e /dev/sdi

  # Attached according to EC2, never a disk: fails by the device deadline, saying so.
  printf 'volumes:\n  ebs:\n    /dev/sdj: ghost\n' | cfg ghost
  check ghost-fails fails tp ghost
  check ghost-says-why has ghost 'gave up waiting for the disk after 8s'
  check ghost-left-attached has ghost 'left attached: /dev/sdj vol-0a11000000000000f attached:'
fi

if [ "$phase" = volumes-reboot ]; then
  # The same instance after a reboot: its volumes are attached at boot, /dev is new.
  check reboot-boot tp pair
  check reboot-kept has pair 'volumes    kept'
  check reboot-assembled has pair 'assembled as md'
  check reboot-links pair_linked
  check reboot-data-kept sh -c "[ \"\$(cat /sysroot/pair/mounts/data/token)\" = $token ]"
fi

# Taupage's own words, on the console and so in build/volumes-qemu/boot-<phase>.log.
for log in /out/*.log; do sed "s/^/[$(basename "$log" .log)] /" "$log"; done
