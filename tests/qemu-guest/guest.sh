#!/bin/sh
# The guest half of tests/integration/storage_qemu.sh, run by the test /init with the phase name:
# `first`, `second` and `third` are three boots of the same disk images. Each scenario runs
# `taupage boot --stage early --only raid,mounts` with its own config and root, then checks with
# independent tools (mdadm, blkid, the kernel's /proc files). Results are marker lines:
# TP-OK <check> / TP-FAIL <check>: <why>. The host knows which checks to expect.
phase=$1
token=$(sed -n 's/.*tptoken=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
mkdir -p /mnt
. /guest-lib.sh
export TAUPAGE_DEVICE_WAIT_SECONDS=5  # the second boot misses a disk on purpose
# shellcheck disable=SC2034  # read by guest-lib.sh
TP_ONLY=raid,mounts
# level_cfg NAME LEVEL DEVICES...: an array /dev/md/NAME of LEVEL over DEVICES, ext4 at /NAME.
level_cfg() {
  name=$1 level=$2; shift 2
  { printf 'volumes:\n  raid:\n    /dev/md/%s:\n      level: %s\n      devices: [' "$name" "$level"
    first=1; for d in "$@"; do [ $first = 1 ] || printf ', '; printf '/dev/%s' "$d"; first=0; done
    printf ']\nmounts:\n  /%s:\n    partition: /dev/md/%s\n' "$name" "$name"; } | cfg "$name"
}
lacks() { ! grep -q -- "$2" "/out/$1.log"; }
as_app() { su -s /bin/sh -c "$1" application; }
sum() { md5sum "$1" | cut -d' ' -f1; }
# old_md NAME VERSION DISK: a one-member RAID 1 of that superblock version on /dev/xvdDISK (any
# earlier superblock wiped), made by mdadm and stopped; its sum kept for same_as_made; a config
# NAME mounting the disk at /x.
old_md() {
  mdadm --zero-superblock "/dev/xvd$3" > /dev/null 2>&1
  mdadm --create "/dev/md/$1" --run --force --level=1 --raid-devices=1 --metadata="$2" "/dev/xvd$3" > "/tmp/$1.log" 2>&1 \
    && mdadm --stop "/dev/md/$1" >> "/tmp/$1.log" 2>&1
  sum "/dev/xvd$3" > "/tmp/made-$3"
  printf 'mounts:\n  /x:\n    partition: /dev/xvd%s\n' "$3" | cfg "$1"
}
same_as_made() { [ "$(sum "/dev/xvd$1")" = "$(cat "/tmp/made-$1")" ]; }
mounted() { grep -q " $1 " /proc/mounts; }
# zero_at DEV SECTOR: the MiB of DEV from that 512-byte sector on (a negative one counts from the
# end; a multiple of 64 KiB here) holds nothing but zeros.
zero_at() {
  at=$2
  [ "$at" -lt 0 ] && at=$(($(cat "/sys/class/block/$(basename "$(readlink -f "$1")")/size") + at))
  dd if="$1" bs=64k skip=$((at / 128)) count=16 2>/dev/null | cmp -s -n 1048576 - /dev/zero
}
# old_bytes_inside DISK...: the MiB after the first holds old bytes (the host wrote random bytes
# in all but the first and last MiB: blank by the rule, which Taupage's creating the array shows).
old_bytes_inside() {
  for d in "$@"; do
    zero_at "/dev/$d" 2048 && { echo "/dev/$d: zeros where old bytes were written"; return 1; }
  done
  return 0
}
# blank_array NAME: /dev/md/NAME runs and its first and last MiB are zeros.
blank_array() { test -b "/dev/md/$1" && zero_at "/dev/md/$1" 0 && zero_at "/dev/md/$1" -2048; }
# crash_after_start NAME: taupage ends at its test crash point, right after the new array
# started (a power cut between the array's creation and its format).
crash_after_start() {
  TAUPAGE_TEST_CRASH_AT=raid-created; export TAUPAGE_TEST_CRASH_AT
  tp "$1"; rc=$?
  unset TAUPAGE_TEST_CRASH_AT
  [ $rc = 86 ] && has "$1" 'TAUPAGE_TEST_CRASH_AT=raid-created: the process ends here'
}

# The real root is read-only in the initramfs: Taupage must put its tmpfs over <root>/mounts.
mkdir -p /sysroot
mount -t tmpfs root /sysroot
for s in raid0 raid0again refuse-fs refuse-raid refuse-mbr refuse-lvm refuse-junk refuse-foreign refuse-md090 refuse-md10 refuse-md11 erase raid1 madm xfs btrfs fsck grow r5 r6 r10 data uneq cut0 cut1 cut5 fw cold; do
  mkdir -p "/sysroot/$s/mounts"
done
mount -o remount,ro /sysroot
hostname "guest-$phase"  # a different host name on every boot: the array names must not depend on it

if [ "$phase" = first ]; then
  # RAID 0 over two NVMe disks blank by the rule but with old bytes inside, ext4, writable by uid 999.
  check raid0-members-old-bytes-inside old_bytes_inside xvdf xvdg
  cfg raid0 <<'Y'
volumes:
  raid:
    /dev/md/data:
      level: 0
      devices: [/dev/xvdf, /dev/xvdg]
mounts:
  /data:
    partition: /dev/md/data
Y
  check raid0-boot tp raid0
  check raid0-created has raid0 'raid       created'
  check raid0-formatted has raid0 'mounts     created'
  check raid0-formatted-as-blank has raid0 '/data blank, formatted as ext4'
  check raid0-mdadm-examine sh -c 'mdadm --examine /dev/xvdf && mdadm --examine /dev/xvdf | grep -q "Name : any:data" && mdadm --examine /dev/xvdg | grep -q "Raid Level : raid0"'
  check raid0-mdadm-detail sh -c 'mdadm --detail /dev/md/data && mdadm --detail /dev/md/data | grep -q "Raid Devices : 2"'
  check raid0-blkid sh -c 'blkid /dev/md/data | grep -q "TYPE=\"ext4\"" && blkid /dev/xvdf | grep -q linux_raid_member'
  check raid0-writable-by-999 as_app "echo $token > /sysroot/raid0/mounts/data/token"
  check raid0-mode sh -c 'stat -c %a /sysroot/raid0/mounts/data | grep -q 77$ && stat -c %u:%g /sysroot/raid0/mounts/data | grep -q 999:999'
  check raid0-tmpfs-over-mounts sh -c 'grep -q "taupage-mounts /sysroot/raid0/mounts tmpfs" /proc/mounts'
  mdadm --examine /dev/xvdf | sed 's/^/[examine] /'

  # btrfs on a blank disk, writable by the application's user.
  printf 'mounts:\n  /b:\n    partition: /dev/xvdbj\n    filesystem: btrfs\n' | cfg btrfs
  check btrfs-boot tp btrfs
  check btrfs-formatted has btrfs 'formatted as btrfs'
  check btrfs-mounted sh -c 'grep -q " /sysroot/btrfs/mounts/b btrfs " /proc/mounts'
  check btrfs-writable-by-999 as_app "echo $token > /sysroot/btrfs/mounts/b/token"

  # erase_on_boot: formatted on this boot and the next.
  printf 'mounts:\n  /scratch:\n    partition: /dev/xvdo\n    erase_on_boot: true\n' | cfg erase
  check erase-boot tp erase
  check erase-formatted has erase 'erase_on_boot: true, formatted'
  echo "$token" > /sysroot/erase/mounts/scratch/token

  # RAID 1 over two blank disks (old bytes inside); the next boot finds one of them gone.
  check raid1-members-old-bytes-inside old_bytes_inside xvdp xvdq
  printf 'volumes:\n  raid:\n    /dev/md/mirror:\n      level: 1\n      devices: [/dev/xvdp, /dev/xvdq]\nmounts:\n  /r1:\n    partition: /dev/md/mirror\n' | cfg raid1
  check raid1-boot tp raid1
  check raid1-created has raid1 'raid       created'
  check raid1-formatted-as-blank has raid1 '/r1 blank, formatted as ext4'
  check raid1-mdadm-detail sh -c 'mdadm --detail /dev/md/mirror | grep -q "Raid Level : raid1"'
  echo "$token" > /sysroot/raid1/mounts/r1/token

  # An array made by mdadm --create, with a filesystem and data: Taupage assembles it next boot.
  check madm-create sh -c 'mdadm --create /dev/md/madm --run --level=1 --raid-devices=2 --metadata=1.2 --homehost=any --name=madm /dev/xvdr /dev/xvds \
    && mkfs.ext4 -q -F /dev/md/madm && mkdir -p /tmp/m && mount /dev/md/madm /tmp/m && echo '"$token"' > /tmp/m/token && umount /tmp/m \
    && mdadm --stop /dev/md/madm'

  # xfs on a blank disk and a tmpfs.
  printf 'mounts:\n  /x:\n    partition: /dev/xvdt\n    filesystem: xfs\n  /t:\n    partition: none\n    filesystem: tmpfs\n    options: size=8m,noexec\n' | cfg xfs
  check xfs-boot tp xfs
  check xfs-mounted sh -c 'grep -q " /sysroot/xfs/mounts/x xfs " /proc/mounts'
  check tmpfs-mounted sh -c 'grep " /sysroot/xfs/mounts/t tmpfs " /proc/mounts | grep -q noexec'

  # An ext4 with errors e2fsck -p can fix is repaired and mounted, never formatted.
  printf 'mounts:\n  /f:\n    partition: /dev/xvdu\n' | cfg fsck
  check fsck-boot tp fsck
  check fsck-repaired has fsck 'fsck repaired errors'
  check fsck-not-formatted sh -c 'cat /sysroot/fsck/mounts/f/hostfile | grep -q made-on-host'

  # A filesystem smaller than its disk is grown.
  printf 'mounts:\n  /g:\n    partition: /dev/xvdv\n' | cfg grow
  check grow-boot tp grow
  check grow-grown has grow 'grown from 32 to 64 MiB'
  check grow-size sh -c 'test "$(df -k /sysroot/grow/mounts/g | tail -1 | awk "{print \$2}")" -gt 50000'

  # RAID 5 (old bytes inside its members), 6 and 10 over blank disks; the next boot assembles them.
  check r5-members-old-bytes-inside old_bytes_inside xvdw xvdx xvdy
  level_cfg r5 5 xvdw xvdx xvdy
  check r5-boot tp r5
  check r5-created has r5 'raid       created'
  check r5-formatted-as-blank has r5 '/r5 blank, formatted as ext4'
  check r5-mdadm-detail sh -c 'mdadm --detail /dev/md/r5 | grep -q "Raid Level : raid5"'
  echo "$token" > /sysroot/r5/mounts/r5/token
  level_cfg r6 6 xvdz xvdba xvdbb xvdbc
  check r6-boot tp r6
  check r6-created has r6 'raid       created'
  check r6-mdadm-detail sh -c 'mdadm --detail /dev/md/r6 | grep -q "Raid Level : raid6"'
  echo "$token" > /sysroot/r6/mounts/r6/token
  level_cfg r10 10 xvdbd xvdbe xvdbf xvdbg
  check r10-boot tp r10
  check r10-created has r10 'raid       created'
  check r10-mdadm-detail sh -c 'mdadm --detail /dev/md/r10 | grep -q "Raid Level : raid10"'
  echo "$token" > /sysroot/r10/mounts/r10/token

  # The boot cut right after a new array started, before anything else (its ends not yet zeroed
  # through md, no filesystem): RAID 0, 1 and 5 over members with old bytes inside. The array is
  # already blank by the rule, so the next boot assembles and formats it.
  check cut-members-old-bytes-inside old_bytes_inside xvdca xvdcb xvdcc xvdcd xvdce xvdcf xvdcg
  level_cfg cut0 0 xvdca xvdcb
  level_cfg cut1 1 xvdcc xvdcd
  level_cfg cut5 5 xvdce xvdcf xvdcg
  check cut0-cut-after-start crash_after_start cut0
  check cut0-blank-at-the-cut blank_array cut0
  check cut1-cut-after-start crash_after_start cut1
  check cut1-blank-at-the-cut blank_array cut1
  check cut5-cut-after-start crash_after_start cut5
  check cut5-blank-at-the-cut blank_array cut5
  check cut-nothing-mounted sh -c '! grep -q " /sysroot/cut" /proc/mounts'
  sync
fi

if [ "$phase" = second ]; then
  printf 'volumes:\n  raid:\n    /dev/md/data:\n      level: 0\n      devices: [/dev/xvdf, /dev/xvdg]\nmounts:\n  /data:\n    partition: /dev/md/data\n' | cfg raid0
  check raid0-boot tp raid0
  check raid0-assembled has raid0 'assembled as md'
  check raid0-not-created lacks raid0 'created'
  check raid0-fsck-clean has raid0 'fsck clean'
  check raid0-data-intact sh -c "grep -q $token /sysroot/raid0/mounts/data/token"
  # Taupage again, with the array running and mounted: everything is kept.
  check raid0-again tp raid0
  check raid0-running-kept has raid0 'kept (running as md'
  check raid0-mount-kept has raid0 'kept (already mounted from /dev/md/data)'
  printf 'mounts:\n  /scratch:\n    partition: /dev/xvdo\n    erase_on_boot: true\n' | cfg erase
  check erase-boot tp erase
  check erase-formatted-again has erase 'erase_on_boot: true, formatted as ext4 (it held ext4)'
  check erase-token-gone test ! -e /sysroot/erase/mounts/scratch/token

  printf 'mounts:\n  /b:\n    partition: /dev/xvdbj\n    filesystem: btrfs\n' | cfg btrfs
  check btrfs-again-boot tp btrfs
  check btrfs-not-formatted lacks btrfs 'formatted'
  check btrfs-data-intact grep -q "$token" /sysroot/btrfs/mounts/b/token

  printf 'volumes:\n  raid:\n    /dev/md/mirror:\n      level: 1\n      devices: [/dev/xvdp, /dev/xvdq]\nmounts:\n  /r1:\n    partition: /dev/md/mirror\n' | cfg raid1
  check raid1-degraded-boot tp raid1
  check raid1-degraded-warning has raid1 'DEGRADED'
  check raid1-data-intact sh -c "grep -q $token /sysroot/raid1/mounts/r1/token"

  printf 'volumes:\n  raid:\n    /dev/md/madm:\n      level: 1\n      devices: [/dev/xvdr, /dev/xvds]\nmounts:\n  /m:\n    partition: /dev/md/madm\n' | cfg madm
  check madm-boot tp madm
  check madm-assembled has madm 'assembled as md'
  check madm-data-intact sh -c "grep -q $token /sysroot/madm/mounts/m/token"

  # udev's incremental assembly saw one member first: an inactive array holds it, never started.
  mdadm --incremental /dev/xvdw > /tmp/incremental.log 2>&1
  check r5-incremental-inactive sh -c 'grep -q inactive /proc/mdstat'
  level_cfg r5 5 xvdw xvdx xvdy
  check r5-assembled-boot tp r5
  check r5-partial-stopped has r5 'an inactive partial assembly of its members'
  check r5-assembled has r5 'assembled as md'
  check r5-not-created lacks r5 'created'
  check r5-fsck-clean has r5 'fsck clean'
  check r5-three-members sh -c 'mdadm --detail /dev/md/r5 | grep -q "Active Devices : 3"'
  check r5-data-intact grep -q "$token" /sysroot/r5/mounts/r5/token
  level_cfg r6 6 xvdz xvdba xvdbb xvdbc
  check r6-assembled-boot tp r6
  check r6-assembled has r6 'assembled as md'
  check r6-not-created lacks r6 'created'
  check r6-data-intact grep -q "$token" /sysroot/r6/mounts/r6/token
  # An array already running before Taupage (here assembled by mdadm) is kept as it is.
  mdadm --assemble /dev/md/r10 /dev/xvdbd /dev/xvdbe /dev/xvdbf /dev/xvdbg > /dev/null 2>&1
  level_cfg r10 10 xvdbd xvdbe xvdbf xvdbg
  check r10-running-boot tp r10
  check r10-running-kept has r10 'kept (running as md'
  check r10-data-intact grep -q "$token" /sysroot/r10/mounts/r10/token
  # Stopped again, the RAID 10 is assembled by Taupage itself.
  umount /sysroot/r10/mounts/r10 && mdadm --stop /dev/md/r10 > /dev/null 2>&1
  check r10-assembled-boot tp r10
  check r10-assembled has r10 'assembled as md'
  check r10-assembled-data-intact grep -q "$token" /sysroot/r10/mounts/r10/token
  # mdadm, on a host with another name, brings the array back as /dev/md/data (homehost any).
  # The arrays cut off in the first boot: assembled, not created again, formatted as blank.
  level_cfg cut0 0 xvdca xvdcb
  check cut0-boot tp cut0
  check cut0-assembled has cut0 'assembled as md'
  check cut0-formatted-as-blank has cut0 '/cut0 blank, formatted as ext4'
  echo "$token" > /sysroot/cut0/mounts/cut0/token
  level_cfg cut1 1 xvdcc xvdcd
  check cut1-boot tp cut1
  check cut1-assembled has cut1 'assembled as md'
  check cut1-formatted-as-blank has cut1 '/cut1 blank, formatted as ext4'
  echo "$token" > /sysroot/cut1/mounts/cut1/token
  level_cfg cut5 5 xvdce xvdcf xvdcg
  check cut5-boot tp cut5
  check cut5-assembled has cut5 'assembled as md'
  check cut5-formatted-as-blank has cut5 '/cut5 blank, formatted as ext4'
  echo "$token" > /sysroot/cut5/mounts/cut5/token
  check raid0-mdadm-assembles-by-name sh -c 'umount /sysroot/raid0/mounts/data && mdadm --stop /dev/md/data && rm -f /dev/md/data \
    && mdadm --assemble --scan && test -b /dev/md/data && mount /dev/md/data /mnt && grep -q '"$token"' /mnt/token && umount /mnt'
  sed 's/^/[mdstat] /' /proc/mdstat
fi

if [ "$phase" = third ]; then
  # The RAID 1 member missing in the second boot is back, with older events: it is added back
  # to the array and resynced, and the data written before is still there.
  printf 'volumes:\n  raid:\n    /dev/md/mirror:\n      level: 1\n      devices: [/dev/xvdp, /dev/xvdq]\nmounts:\n  /r1:\n    partition: /dev/md/mirror\n' | cfg raid1
  check raid1-back-boot tp raid1
  check raid1-stale-added-back has raid1 '/dev/xvdq is stale'
  check raid1-two-members sh -c 'test "$(ls /sys/block/$(basename "$(readlink -f /dev/md/mirror)")/slaves | wc -l)" = 2'
  check raid1-data-intact-after-return grep -q "$token" /sysroot/raid1/mounts/r1/token
  # The mirror started by mdadm without xvdq before Taupage (degraded): kept, and xvdq added back.
  umount /sysroot/raid1/mounts/r1 && mdadm --stop /dev/md/mirror > /dev/null 2>&1
  mdadm --assemble --run /dev/md/mirror /dev/xvdp > /tmp/mirror.log 2>&1
  check raid1-degraded-by-mdadm sh -c 'mdadm --detail /dev/md/mirror | grep -q "Active Devices : 1"'
  check raid1-kept-boot tp raid1
  check raid1-kept-member-added-back has raid1 'kept (running as md[0-9]*), 1 member added back'
  check raid1-kept-two-members sh -c 'test "$(ls /sys/block/$(basename "$(readlink -f /dev/md/mirror)")/slaves | wc -l)" = 2'
  check raid1-kept-data-intact grep -q "$token" /sysroot/raid1/mounts/r1/token
  # RAID 0 over members of different sizes: the kernel starts it only with the layout recorded.
  level_cfg uneq 0 xvdbh xvdbi
  check uneq-boot tp uneq
  check uneq-created has uneq 'raid       created'
  check uneq-layout sh -c 'mdadm --examine /dev/xvdbh | grep -q "Feature Map : 0x1000" && mdadm --detail /dev/md/uneq | grep -q "Array Size : 7"'
  # The arrays cut off in the first boot and formatted in the second keep their data.
  level_cfg cut0 0 xvdca xvdcb
  check cut0-again-boot tp cut0
  check cut0-not-formatted lacks cut0 'formatted'
  check cut0-data-intact grep -q "$token" /sysroot/cut0/mounts/cut0/token
  level_cfg cut1 1 xvdcc xvdcd
  check cut1-again-boot tp cut1
  check cut1-not-formatted lacks cut1 'formatted'
  check cut1-data-intact grep -q "$token" /sysroot/cut1/mounts/cut1/token
  level_cfg cut5 5 xvdce xvdcf xvdcg
  check cut5-again-boot tp cut5
  check cut5-not-formatted lacks cut5 'formatted'
  check cut5-data-intact grep -q "$token" /sysroot/cut5/mounts/cut5/token

  # Refusals: another filesystem, a member with one, a partition table, LVM, unknown data.
  printf 'mounts:\n  /x:\n    partition: /dev/xvdh\n' | cfg refuse-fs
  check refuse-fs-fails fails tp refuse-fs
  check refuse-fs-says-why has refuse-fs '/dev/xvdh (for /x) holds btrfs, the config says ext4'
  printf 'volumes:\n  raid:\n    /dev/md/r:\n      level: 1\n      devices: [/dev/xvdi, /dev/xvdh]\nmounts:\n  /r:\n    partition: /dev/md/r\n' | cfg refuse-raid
  check refuse-raid-fails fails tp refuse-raid
  check refuse-raid-says-why has refuse-raid '/dev/xvdh holds btrfs; an array is created only on blank members'
  printf 'mounts:\n  /x:\n    partition: /dev/xvdj\n' | cfg refuse-mbr
  check refuse-mbr-fails fails tp refuse-mbr
  check refuse-mbr-says-why has refuse-mbr 'holds an MBR partition table'
  printf 'mounts:\n  /x:\n    partition: /dev/xvdk\n' | cfg refuse-lvm
  check refuse-lvm-fails fails tp refuse-lvm
  check refuse-lvm-says-why has refuse-lvm 'holds an LVM physical volume'
  printf 'mounts:\n  /x:\n    partition: /dev/xvdl\n' | cfg refuse-junk
  check refuse-junk-fails fails tp refuse-junk
  check refuse-junk-says-why has refuse-junk 'holds unknown non-zero data'
  # A foreign array, made by mdadm and stopped: its members are left exactly as they were.
  mdadm --create /dev/md/foreign --run --level=1 --raid-devices=2 --metadata=1.2 --homehost=any --name=foreign \
    --assume-clean /dev/xvdm /dev/xvdn > /tmp/foreign.log 2>&1 && mdadm --stop /dev/md/foreign >> /tmp/foreign.log 2>&1
  before="$(sum /dev/xvdm) $(sum /dev/xvdn)"
  printf 'volumes:\n  raid:\n    /dev/md/mine:\n      level: 1\n      devices: [/dev/xvdm, /dev/xvdn]\nmounts:\n  /m:\n    partition: /dev/md/mine\n' | cfg refuse-foreign
  check refuse-foreign-fails fails tp refuse-foreign
  check refuse-foreign-says-why has refuse-foreign '/dev/xvdm holds md superblock 1.2'
  after="$(sum /dev/xvdm) $(sum /dev/xvdn)"
  check refuse-foreign-unchanged test "$before" = "$after"

  # Arrays of the older superblock formats, made by mdadm on xvdn in turn (the foreign array's
  # member, done with): refused, left byte for byte.
  old_md refuse-md090 0.90 n
  check refuse-md090-fails fails tp refuse-md090
  check refuse-md090-says-why has refuse-md090 '/dev/xvdn (for /x) holds md superblock 0.90'
  check refuse-md090-unchanged same_as_made n
  old_md refuse-md10 1.0 n
  check refuse-md10-fails fails tp refuse-md10
  check refuse-md10-says-why has refuse-md10 '/dev/xvdn (for /x) holds md superblock 1.0'
  check refuse-md10-unchanged same_as_made n
  old_md refuse-md11 1.1 n
  check refuse-md11-fails fails tp refuse-md11
  check refuse-md11-says-why has refuse-md11 '/dev/xvdn (for /x) holds md superblock 1.1'
  check refuse-md11-unchanged same_as_made n
  sed 's/^/[mdstat] /' /proc/mdstat
fi

# arm64 only (make test-arm64; x86-64's firewall suites run on the host's kernel): the firewall
# step's netlink batch on this kernel, read back by nft. The ruleset is the firewall suite's,
# written by hand there.
if [ "$phase" = netlink ]; then
  printf 'ports:\n  8080: 80\n  5353/udp: 53\nssh_ports:\n  - 22\n  - 2222\n' | cfg fw
  cat > /tmp/fw-expected <<'R'
table inet taupage {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept comment "built-in: replies to connections"
		ct state invalid drop comment "built-in: invalid packets"
		iif "lo" accept comment "built-in: loopback"
		icmp type echo-request accept comment "built-in: ICMP"
		icmp type destination-unreachable accept comment "built-in: ICMP"
		icmp type time-exceeded accept comment "built-in: ICMP"
		icmp type parameter-problem accept comment "built-in: ICMP"
		icmpv6 type echo-request accept comment "built-in: ICMPv6"
		icmpv6 type destination-unreachable accept comment "built-in: ICMPv6"
		icmpv6 type packet-too-big accept comment "built-in: ICMPv6"
		icmpv6 type time-exceeded accept comment "built-in: ICMPv6"
		icmpv6 type parameter-problem accept comment "built-in: ICMPv6"
		icmpv6 type nd-router-advert accept comment "built-in: IPv6 router advertisements"
		icmpv6 type nd-neighbor-solicit accept comment "built-in: IPv6 neighbour discovery"
		icmpv6 type nd-neighbor-advert accept comment "built-in: IPv6 neighbour discovery"
		udp sport 67 udp dport 68 accept comment "built-in: DHCPv4 client"
		udp sport 547 udp dport 546 accept comment "built-in: DHCPv6 client"
		tcp dport 22 accept comment "ssh_ports: 22"
		tcp dport 2222 accept comment "ssh_ports: 2222"
		tcp dport 8080 accept comment "ports: 8080"
		udp dport 5353 accept comment "ports: 5353/udp"
	}
}
R
  ruleset_is_expected() { nft list table inet taupage > /tmp/fw-listed && diff /tmp/fw-expected /tmp/fw-listed; }
  # shellcheck disable=SC2034  # read by guest-lib.sh
  TP_ONLY=firewall
  check fw-boot tp fw
  check fw-created has fw 'firewall   created'
  check fw-ruleset ruleset_is_expected
  # Again: Taupage reads its table back over netlink and replaces it in one batch.
  check fw-again-boot tp fw
  check fw-replaced has fw 'firewall   changed'
  check fw-ruleset-again ruleset_is_expected
  nft list ruleset | sed 's/^/[nft] /'
fi

# The benchmark (scripts/bench/storage.sh): Taupage beside mdadm + mkfs.ext4 + mount, same boot.
# Times in ns from the kernel's timer list, read by the shell itself: a timing process would add
# its own start-up, tens of ms under emulation, to every figure (and /proc/uptime counts in 10 ms).
t0="" t1="" t2=""
stamp() {
  { read -r _; read -r _; read -r stamp_now; } < /proc/timer_list
  stamp_now=${stamp_now#now at }
  eval "$1=${stamp_now% nsecs}"
}
bench() { echo "TP-BENCH $1 $(echo "$3 $2" | awk '{printf "%.3f", ($1 - $2) / 1e9}')"; }
# Each side starts from disks the page cache knows nothing of, as after a real boot.
uncached() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# tp_timed FIGURE NAME: tp's early stage, timed alone (tp's folder and its echo of the log are not
# part of the work compared, as mdadm's side has neither).
tp_timed() {
  mkdir -p "/run/taupage/$2"
  uncached; stamp t0
  taupage boot --config "/cfg/$2.yaml" --stage early --only "$TP_ONLY" --root "/sysroot/$2" --state-dir "/run/taupage/$2" > "/out/$2.log" 2>&1
  stamp t1
  bench "$1" "$t0" "$t1"
}
# Both sides run mke2fs and e2fsck; whichever runs them first in a boot pays for the emulator
# translating their code (about 0.2 s under TCG), so one untimed run on a scratch file first.
warm_tools() {
  truncate -s 16M /tmp/warm.img && mkfs.ext4 -q -F -E nodiscard /tmp/warm.img && fsck.ext4 -p /tmp/warm.img > /dev/null
  rm -f /tmp/warm.img
}
# The same for the kernel's own code (md's RAID 0, ext4's mount): whichever side first starts an
# array in a boot paid about 0.25 s more, whatever the tool. So a scratch RAID 0 built through md's
# sysfs files, with neither tool, is started, formatted, mounted and stopped first.
# warm_kernel DISK DISK
warm_kernel() {
  echo md_warm > /sys/module/md_mod/parameters/new_array
  warm_md=/sys/block/md_warm/md slot=0
  echo none > $warm_md/metadata_version && echo raid0 > $warm_md/level && echo 524288 > $warm_md/chunk_size && echo 2 > $warm_md/raid_disks
  for d in "$@"; do
    dev=$(basename "$(readlink -f "/dev/$d")")
    cat "/sys/class/block/$dev/dev" > $warm_md/new_dev
    echo $slot > "$warm_md/dev-$dev/slot" && echo 0 > "$warm_md/dev-$dev/offset" && echo 65536 > "$warm_md/dev-$dev/size"
    slot=$((slot + 1))
  done
  echo active > $warm_md/array_state
  mkdir -p /mnt/warm && mkfs.ext4 -q -F -E nodiscard /dev/md_warm && mount /dev/md_warm /mnt/warm && echo warm > /mnt/warm/file
  umount /mnt/warm && echo clear > $warm_md/array_state
}
# The emulator keeps what it translated by address: a program mapped at a new address each run
# (a dynamic tool, a shared library, under address space randomisation) is translated again on
# every run, a static binary at a fixed address (Taupage) only once. Both sides pay alike with
# randomisation off, as on a real machine, where nothing is translated.
fixed_addresses() { echo 0 > /proc/sys/kernel/randomize_va_space; }
# Each side runs first "cold", on disks of its own: the emulator translating the side's own code
# for the first time (Taupage's, mdadm's; nothing on a real machine), and kernel code the two
# share beyond the warm-up (reading the members, starting the array), which the side that goes
# first pays for: the order alternates with the bench's boot number (the token). Then warm, in
# rounds on the same disks, wiped between rounds, each side first in every other round: the
# median compares the work itself.
# create_pair SUFFIX ORDER TP_NAME TP_DISK TP_DISK MDADM_NAME MDADM_DISK MDADM_DISK
create_pair() {
  level_cfg "$3" 0 "$4" "$5"
  if [ "$2" = taupage-first ]; then create_taupage "$@"; create_mdadm "$@"; else create_mdadm "$@"; create_taupage "$@"; fi
}
# Each side's filesystem is unmounted as soon as it is timed: ext4 initialises its inode tables in
# the background after a mount, and that must not run while the other side is timed.
create_taupage() {
  tp_timed "taupage-create$1" "$3"
  umount "/sysroot/$3/mounts/$3"
}
create_mdadm() {
  mkdir -p "/mnt/$6"
  uncached; stamp t0
  mdadm --create "/dev/md/$6" --run --level=0 --raid-devices=2 --metadata=1.2 --homehost=any --name="$6" "/dev/$7" "/dev/$8" > /dev/null 2>&1
  mkfs.ext4 -q -F -E nodiscard "/dev/md/$6" && mount "/dev/md/$6" "/mnt/$6"
  stamp t1
  bench "mdadm-create$1" "$t0" "$t1"
  umount "/mnt/$6"
}
# Both arrays unmounted and stopped, Taupage's state of this boot forgotten.
# stop_pair TP_NAME MDADM_NAME
stop_pair() {
  umount "/sysroot/$1/mounts/$1" 2> /dev/null; umount "/sysroot/$1/mounts" 2> /dev/null; umount "/mnt/$2" 2> /dev/null
  mdadm --stop "/dev/md/$1" "/dev/md/$2" > /dev/null 2>&1
  rm -f "/dev/md/$1" "/dev/md/$2"
  rm -rf "/run/taupage/$1"
}
# wipe DISK...: the first and last 8 MiB zeroed, blank again for the next round.
wipe() {
  for d in "$@"; do
    dd if=/dev/zero of="/dev/$d" bs=1M count=8 conv=fsync 2> /dev/null
    dd if=/dev/zero of="/dev/$d" bs=1M seek=504 count=8 conv=fsync 2> /dev/null
  done
}
# assemble_pair SUFFIX ORDER TP_NAME TP_DISK TP_DISK MDADM_NAME MDADM_DISK MDADM_DISK
assemble_pair() {
  level_cfg "$3" 0 "$4" "$5"
  if [ "$2" = taupage-first ]; then assemble_taupage "$@"; assemble_mdadm "$@"; else assemble_mdadm "$@"; assemble_taupage "$@"; fi
}
assemble_taupage() {
  tp_timed "taupage-assemble-fsck-mount$1" "$3"
  umount "/sysroot/$3/mounts/$3"
}
assemble_mdadm() {
  mkdir -p "/mnt/$6"
  uncached; stamp t0
  mdadm --assemble "/dev/md/$6" "/dev/$7" "/dev/$8" > /dev/null 2>&1
  stamp t1
  fsck.ext4 -p "/dev/md/$6" > /dev/null && mount "/dev/md/$6" "/mnt/$6"
  stamp t2
  bench "mdadm-assemble$1" "$t0" "$t1"
  bench "mdadm-assemble-fsck-mount$1" "$t0" "$t2"
  umount "/mnt/$6"
}
# Taupage's raid step alone (the figure beside mdadm --assemble), after the pair was stopped.
assemble_taupage_raid() {
  printf 'volumes:\n  raid:\n    /dev/md/%s:\n      level: 0\n      devices: [/dev/%s, /dev/%s]\n' "$2" "$3" "$4" | cfg "$2"
  tp_timed "taupage-assemble$1" "$2"
}
bench_rounds=5
order_of() { if [ $(($1 % 2)) = 1 ]; then echo taupage-first; else echo mdadm-first; fi; }
if [ "$phase" = bench-first ]; then
  # Both sides measured after the kernel's random pool is ready (mke2fs and uuid generation may
  # wait for it at early boot under emulation; on EC2 it is ready at once).
  head -c 1 /dev/random > /dev/null
  fixed_addresses
  warm_tools
  warm_kernel xvdn xvdo
  create_pair -cold "$(order_of "$token")" cold xvdj xvdk othercold xvdl xvdm
  for r in $(seq 1 $bench_rounds); do
    [ "$r" = 1 ] || { stop_pair data other; wipe xvdf xvdg xvdh xvdi; }
    create_pair "-r$r" "$(order_of "$r")" data xvdf xvdg other xvdh xvdi
  done
fi
if [ "$phase" = bench-second ]; then
  head -c 1 /dev/random > /dev/null
  fixed_addresses
  warm_tools
  warm_kernel xvdn xvdo
  assemble_pair -cold "$(order_of "$token")" cold xvdj xvdk othercold xvdl xvdm
  for r in $(seq 1 $bench_rounds); do
    assemble_pair "-r$r" "$(order_of "$r")" data xvdf xvdg other xvdh xvdi
    stop_pair data other
    assemble_taupage_raid "-r$r" data xvdf xvdg
    stop_pair data other
  done
fi
