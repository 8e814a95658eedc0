#include "config/sysctl_rule.h"

#include <algorithm>
#include <vector>

#include "util/strings.h"

namespace taupage {

namespace {

// Whole subtrees an application may tune.
constexpr std::string_view kAllowedPrefixes[] = {"net.core.", "net.ipv4.",   "net.ipv6.", "net.netfilter.", "net.unix.",
                                                 "vm.",       "fs.inotify.", "fs.epoll.", "fs.mqueue."};
// Single keys outside those subtrees: limits on files, shared memory, message queues, processes.
constexpr std::string_view kAllowedKeys[] = {
    "fs.file-max",   "fs.nr_open",    "fs.aio-max-nr", "kernel.shmmax",  "kernel.shmall",      "kernel.shmmni",        "kernel.msgmax",
    "kernel.msgmnb", "kernel.msgmni", "kernel.sem",    "kernel.pid_max", "kernel.threads-max", "kernel.numa_balancing"};
// Inside the allowed subtrees: the image's hardening (scripts/image/customize.sh), forwarding
// (dockerd manages it for its bridge), and the lowest mappable address. "*" is one component,
// such as an interface name or "all".
constexpr std::string_view kRefused[] = {"net.ipv4.conf.*.rp_filter",
                                         "net.ipv4.conf.*.accept_redirects",
                                         "net.ipv4.conf.*.secure_redirects",
                                         "net.ipv4.conf.*.send_redirects",
                                         "net.ipv4.conf.*.accept_source_route",
                                         "net.ipv4.conf.*.log_martians",
                                         "net.ipv4.conf.*.forwarding",
                                         "net.ipv6.conf.*.accept_redirects",
                                         "net.ipv6.conf.*.accept_source_route",
                                         "net.ipv6.conf.*.forwarding",
                                         "net.ipv4.ip_forward",
                                         "net.ipv4.icmp_echo_ignore_broadcasts",
                                         "net.ipv4.icmp_ignore_bogus_error_responses",
                                         "net.ipv4.tcp_syncookies",
                                         "vm.mmap_min_addr",
                                         "vm.unprivileged_userfaultfd"};

bool component_ok(std::string_view c) {
  return !c.empty() && c.size() <= 64 && std::all_of(c.begin(), c.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
  });
}

bool matches(std::string_view pattern, const std::vector<std::string>& parts) {
  std::vector<std::string> pattern_parts = split(pattern, '.');
  if (pattern_parts.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (pattern_parts[i] != "*" && pattern_parts[i] != parts[i]) return false;
  }
  return true;
}

}  // namespace

std::string sysctl_key_problem(std::string_view key) {
  if (key.empty() || key.size() > 200) return "a sysctl key is 1 to 200 characters";
  if (key.find('/') != std::string_view::npos) {
    return "write the key with dots (net.core.somaxconn), not as a path";
  }
  std::vector<std::string> parts = split(key, '.');
  if (parts.size() < 2 || !std::all_of(parts.begin(), parts.end(), [](const std::string& p) { return component_ok(p); })) {
    return "a sysctl key is names of letters, digits, '_' and '-' joined by dots, such as net.core.somaxconn";
  }
  for (std::string_view refused : kRefused) {
    if (matches(refused, parts)) {
      return "it would undo the image's hardening or change what dockerd manages (the rule refuses " + std::string(refused) + ")";
    }
  }
  bool allowed = std::any_of(std::begin(kAllowedKeys), std::end(kAllowedKeys), [&](std::string_view k) { return k == key; }) ||
                 std::any_of(std::begin(kAllowedPrefixes), std::end(kAllowedPrefixes),
                             [&](std::string_view p) { return key.size() > p.size() && key.substr(0, p.size()) == p; });
  if (!allowed) {
    return "it is outside what user data may change (net.core.*, net.ipv4.*, net.ipv6.*, net.netfilter.*, net.unix.*, vm.*, "
           "fs.inotify.*, fs.epoll.*, fs.mqueue.*, fs.file-max, fs.nr_open, fs.aio-max-nr, kernel.shmmax, kernel.shmall, "
           "kernel.shmmni, kernel.msgmax, kernel.msgmnb, kernel.msgmni, kernel.sem, kernel.pid_max, kernel.threads-max, "
           "kernel.numa_balancing)";
  }
  return {};
}

std::string sysctl_value_problem(std::string_view value) {
  if (trim(value).empty()) return "the value is empty";
  if (value.size() > 256) return "the value is longer than 256 characters";
  bool printable = std::all_of(value.begin(), value.end(), [](char c) {
    return c == ' ' || c == '\t' || (static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f);
  });
  if (!printable) return "the value holds a line break or another control character";
  return {};
}

}  // namespace taupage
