/// DnsResolver: our own stub resolver, so that the static binary never needs getaddrinfo (which
/// would read nsswitch.conf and try to dlopen). A and AAAA over UDP, again over TCP when the
/// answer is truncated; a timeout per query and a bounded number of rounds; /etc/hosts first;
/// the nameservers in the order of nameserver_sources.h, and a log line says which one answered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/nameserver_sources.h"
#include "net/resolver.h"
#include "net/resolver_config.h"

namespace taupage {

struct DnsServer {
  IpAddress address;
  uint16_t port = 53;
  std::string source;  // where it was configured, for the log line of its first answer
};

class DnsResolver : public Resolver {
 public:
  DnsResolver(std::vector<DnsServer> servers, std::vector<HostsEntry> hosts, int timeout_ms = 2000, int attempts = 2);

  // Nameservers from nameserver_sources(): the DHCP answer, /etc/resolv.conf, the root's
  // resolv.conf, the VPC resolver; hosts from /etc/hosts and <root>/etc/hosts.
  static std::unique_ptr<DnsResolver> from_system(const std::string& root);
  // The same with this system's files under `own_prefix` instead of / (tests).
  static std::unique_ptr<DnsResolver> from_files(const std::string& own_prefix, const std::string& root);

  Result<std::vector<IpAddress>> resolve(const std::string& host, const Deadline& deadline) override;

  const std::vector<DnsServer>& servers() const { return servers_; }
  int timeout_ms() const { return timeout_ms_; }
  int attempts() const { return attempts_; }

 private:
  std::vector<DnsServer> servers_;
  std::vector<HostsEntry> hosts_;
  int timeout_ms_;
  int attempts_;
  int last_answered_ = -1;  // the server whose answer was last logged
};

}  // namespace taupage
