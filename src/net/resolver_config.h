/// What the resolver reads from the system: nameservers and options from resolv.conf, and the
/// static table in /etc/hosts. Both parsers take text, so tests need no files under /etc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/ip_address.h"

namespace taupage {

struct ResolvConf {
  std::vector<IpAddress> nameservers;  // at most 3, as the C library reads them
  int timeout_ms = 2000;               // per query ("options timeout:N", capped at 30 s)
  int attempts = 2;                    // rounds over all nameservers ("options attempts:N", 1 to 5)
};

// Lines it does not understand (search, domain, sortlist, other options) are ignored.
ResolvConf parse_resolv_conf(std::string_view text);

struct HostsEntry {
  IpAddress address;
  std::vector<std::string> names;  // lower case
};

std::vector<HostsEntry> parse_hosts(std::string_view text);

// The addresses /etc/hosts gives a name (IPv4 first), or none.
std::vector<IpAddress> lookup_hosts(const std::vector<HostsEntry>& hosts, std::string_view name);

}  // namespace taupage
