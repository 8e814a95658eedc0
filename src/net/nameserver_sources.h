/// Where the resolver's nameservers come from, in one order for every stage: the servers of the
/// DHCP answer (the only ones that name a custom DHCP options set while we boot from the
/// initramfs), then the resolver configuration of this system and of the root being booted, then
/// the VPC resolver. Each server keeps the name of its source for the log line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/ip_address.h"

namespace taupage {

// The Amazon-provided DNS server every VPC offers at this link-local address.
inline constexpr const char* kVpcResolver = "169.254.169.253";

struct SourcedNameserver {
  IpAddress address;
  std::string source;  // "DHCP answer in /run/net-ens5.conf", "/etc/resolv.conf", ...
};

struct NameserverSources {
  std::vector<SourcedNameserver> servers;  // in the order to ask them, each address once, never empty
  int timeout_ms = 2000;                   // the options of the resolv.conf that was read, if any
  int attempts = 2;
};

// Everything under `own_prefix` (tests; "" on a real system) is this running system's: in order
//  1. DHCP:  /run/net-*.conf (initramfs-tools: IPV4DNS0/1, IPV6DNS0/1),
//            /tmp/net.*.resolv.conf (dracut's network-legacy),
//            /run/systemd/netif/leases/* (systemd-networkd: DNS=),
//            /run/systemd/resolve/resolv.conf (systemd-resolved: the upstream servers, not its stub)
//  2. /etc/resolv.conf, then <root>/etc/resolv.conf when the root is another tree; loopback
//     servers there are skipped (the root's own resolver is not running while we boot it)
//  3. the VPC resolver 169.254.169.253
NameserverSources nameserver_sources(const std::string& own_prefix, const std::string& root);

// initramfs-tools' /run/net-<iface>.conf (shell assignments written by ipconfig): the DNS servers.
std::vector<IpAddress> parse_initramfs_net_conf(std::string_view text);
// A systemd-networkd lease file: the addresses of its DNS= line.
std::vector<IpAddress> parse_networkd_lease(std::string_view text);

}  // namespace taupage
