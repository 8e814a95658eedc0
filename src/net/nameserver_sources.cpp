#include "net/nameserver_sources.h"

#include <algorithm>

#include "net/resolver_config.h"
#include "util/files.h"
#include "util/path_pattern.h"
#include "util/strings.h"

namespace taupage {
namespace {

constexpr size_t kMaxFileBytes = 1024 * 1024;

bool is_loopback(const IpAddress& address) {
  if (!address.v6) return address.bytes[0] == 127;
  static const IpAddress kLoopback6 = *IpAddress::parse("::1");
  return address == kLoopback6;
}

bool is_unspecified(const IpAddress& address) {
  return std::all_of(address.bytes.begin(), address.bytes.begin() + (address.v6 ? 16 : 4), [](uint8_t b) { return b == 0; });
}

// The files a pattern matches, sorted (glob's order), as paths on this system.
std::vector<std::string> matching(const std::string& own_prefix, const std::string& pattern) {
  std::vector<std::string> out;
  for (const auto& path : paths_matching(own_prefix + pattern)) out.push_back(path.substr(own_prefix.size()));
  return out;
}

std::string unquoted(std::string_view value) {
  value = trim(value);
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

class Collector {
 public:
  void add(const IpAddress& address, const std::string& source) {
    if (is_unspecified(address)) return;
    for (const auto& known : out.servers) {
      if (known.address == address) return;
    }
    out.servers.push_back({address, source});
  }
  NameserverSources out;
};

}  // namespace

std::vector<IpAddress> parse_initramfs_net_conf(std::string_view text) {
  std::vector<IpAddress> out;
  for (const std::string& line : split(text, '\n')) {
    size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string key(trim(std::string_view(line).substr(0, equals)));
    if (key != "IPV4DNS0" && key != "IPV4DNS1" && key != "IPV6DNS0" && key != "IPV6DNS1") continue;
    if (auto address = IpAddress::parse(unquoted(std::string_view(line).substr(equals + 1)))) out.push_back(*address);
  }
  return out;
}

std::vector<IpAddress> parse_networkd_lease(std::string_view text) {
  std::vector<IpAddress> out;
  for (const std::string& line : split(text, '\n')) {
    if (line.rfind("DNS=", 0) != 0) continue;
    for (const std::string& word : split(line.substr(4), ' ')) {
      if (auto address = IpAddress::parse(trim(word))) out.push_back(*address);
    }
  }
  return out;
}

NameserverSources nameserver_sources(const std::string& own_prefix, const std::string& root) {
  Collector c;
  auto read = [&](const std::string& path) { return read_file(own_prefix + path, kMaxFileBytes); };

  for (const std::string& path : matching(own_prefix, "/run/net-*.conf")) {
    if (auto text = read(path)) {
      for (const auto& address : parse_initramfs_net_conf(*text)) c.add(address, "DHCP answer in " + path);
    }
  }
  for (const std::string& path : matching(own_prefix, "/tmp/net.*.resolv.conf")) {
    if (auto text = read(path)) {
      for (const auto& address : parse_resolv_conf(*text).nameservers) c.add(address, "DHCP answer in " + path);
    }
  }
  for (const std::string& path : matching(own_prefix, "/run/systemd/netif/leases/*")) {
    if (auto text = read(path)) {
      for (const auto& address : parse_networkd_lease(*text)) c.add(address, "DHCP lease in " + path);
    }
  }
  if (auto text = read("/run/systemd/resolve/resolv.conf")) {
    for (const auto& address : parse_resolv_conf(*text).nameservers) {
      if (!is_loopback(address)) c.add(address, "systemd-resolved's upstream servers in /run/systemd/resolve/resolv.conf");
    }
  }

  bool options_read = false;
  auto take_resolv_conf = [&](const std::string& file, const std::string& source, bool skip_loopback) {
    auto text = read_file(file, kMaxFileBytes);
    if (!text) return;
    ResolvConf conf = parse_resolv_conf(*text);
    if (!options_read) {
      c.out.timeout_ms = conf.timeout_ms;
      c.out.attempts = conf.attempts;
      options_read = true;
    }
    for (const auto& address : conf.nameservers) {
      if (!(skip_loopback && is_loopback(address))) c.add(address, source);
    }
  };
  // This system's own file names a loopback resolver only if one runs here.
  take_resolv_conf(own_prefix + "/etc/resolv.conf", "/etc/resolv.conf", false);
  if (!root.empty() && root != "/") {
    // A loopback nameserver in the root's file (systemd-resolved's 127.0.0.53) is a service of
    // that system, which is not running yet while we boot from the initramfs.
    std::string path = (root.back() == '/' ? root.substr(0, root.size() - 1) : root) + "/etc/resolv.conf";
    take_resolv_conf(path, "the root's " + path, true);
  }

  c.add(*IpAddress::parse(kVpcResolver), "the VPC resolver");
  return c.out;
}

}  // namespace taupage
