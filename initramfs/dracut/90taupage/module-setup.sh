#!/bin/bash
# shellcheck disable=SC2154  # moddir and initdir are set by dracut, which sources this file
# dracut module: Taupage's early stage in a dracut initramfs (Amazon Linux 2023, Fedora, RHEL,
# Debian with dracut). The same files as the initramfs-tools hook, and a pre-pivot hook that runs
# when the new root is mounted at /sysroot. The network comes from dracut's network module
# (rd.neednet=1, ip=dhcp unless the command line says otherwise).

check() {
	require_binaries /usr/sbin/taupage || return 1
	return 0
}

depends() {
	echo network
	return 0
}

installkernel() {
	instmods raid0 raid1 raid10 raid456 md_mod ext4 xfs btrfs \
		nf_tables nft_ct nft_chain_nat nf_conntrack nf_reject_inet nft_reject_inet nft_reject \
		nvme nvme_core ena virtio_pci virtio_blk virtio_net xen_blkfront xen_netfront
}

install() {
	inst /usr/sbin/taupage
	inst /usr/share/taupage/taupage-early.sh
	inst_multiple -o /etc/default/taupage /etc/ssl/certs/ca-certificates.crt /etc/mke2fs.conf \
		mke2fs mkfs.ext2 mkfs.ext3 mkfs.ext4 e2fsck fsck.ext2 fsck.ext3 fsck.ext4 resize2fs \
		mkfs.xfs xfs_repair xfs_growfs xfs_db mkfs.btrfs btrfs btrfsck fsck.btrfs timeout
	# The network for IMDS: DHCP on every NIC, through dracut's network-legacy (ip=dhcp; an ip=
	# on the kernel command line adds to it) or its systemd-networkd module (a .network file).
	inst_simple "$moddir/taupage-dhcp.network" /etc/systemd/network/90-taupage-dhcp.network
	mkdir -p "${initdir}/etc/cmdline.d"
	printf 'rd.neednet=1\nip=dhcp\n' > "${initdir}/etc/cmdline.d/90taupage.conf"
	inst_hook pre-pivot 50 "$moddir/taupage-pre-pivot.sh"
}
