#include "net/resolver_config.h"

#include "util/strings.h"

namespace taupage {

namespace {

// Splits a line at blanks, dropping a '#' or ';' comment.
std::vector<std::string> words(std::string_view line) {
  size_t comment = line.find_first_of("#;");
  if (comment != std::string_view::npos) line = line.substr(0, comment);
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.emplace_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

ResolvConf parse_resolv_conf(std::string_view text) {
  ResolvConf conf;
  for (const std::string& line : split(text, '\n')) {
    std::vector<std::string> parts = words(line);
    if (parts.size() >= 2 && parts[0] == "nameserver") {
      // A zone id (fe80::1%eth0) cannot be expressed in IpAddress: such a line is skipped.
      auto address = IpAddress::parse(parts[1]);
      if (address && conf.nameservers.size() < 3) conf.nameservers.push_back(*address);
    } else if (!parts.empty() && parts[0] == "options") {
      for (size_t i = 1; i < parts.size(); ++i) {
        std::string_view option = parts[i];
        if (option.substr(0, 8) == "timeout:") {
          if (auto seconds = parse_uint(option.substr(8)))
            conf.timeout_ms = static_cast<int>(std::min<uint64_t>(std::max<uint64_t>(*seconds, 1), 30)) * 1000;
        } else if (option.substr(0, 9) == "attempts:") {
          if (auto attempts = parse_uint(option.substr(9)))
            conf.attempts = static_cast<int>(std::min<uint64_t>(std::max<uint64_t>(*attempts, 1), 5));
        }
      }
    }
  }
  return conf;
}

std::vector<HostsEntry> parse_hosts(std::string_view text) {
  std::vector<HostsEntry> entries;
  for (const std::string& line : split(text, '\n')) {
    std::vector<std::string> parts = words(line);
    if (parts.size() < 2) continue;
    auto address = IpAddress::parse(parts[0]);
    if (!address) continue;
    HostsEntry entry{*address, {}};
    for (size_t i = 1; i < parts.size(); ++i) entry.names.push_back(to_lower(parts[i]));
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<IpAddress> lookup_hosts(const std::vector<HostsEntry>& hosts, std::string_view name) {
  std::string wanted = to_lower(name);
  if (!wanted.empty() && wanted.back() == '.') wanted.pop_back();
  std::vector<IpAddress> v4, v6;
  for (const HostsEntry& entry : hosts) {
    for (const std::string& candidate : entry.names) {
      if (candidate != wanted) continue;
      auto& list = entry.address.v6 ? v6 : v4;
      bool seen = false;
      for (const auto& known : list) seen = seen || known == entry.address;
      if (!seen) list.push_back(entry.address);
    }
  }
  v4.insert(v4.end(), v6.begin(), v6.end());
  return v4;
}

}  // namespace taupage
