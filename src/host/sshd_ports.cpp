#include "host/sshd_ports.h"

#include <algorithm>
#include <optional>

#include "util/files.h"
#include "util/path_pattern.h"
#include "util/strings.h"

namespace taupage {
namespace {

constexpr size_t kMaxConfigBytes = 1024 * 1024;
constexpr int kMaxIncludeDepth = 16;  // sshd's own limit on nested Include

std::optional<uint16_t> port_value(std::string_view text) {
  auto value = parse_uint(text);
  if (!value || *value == 0 || *value > 65535) return std::nullopt;
  return static_cast<uint16_t>(*value);
}

// "ListenAddress 10.0.0.1:2200", "[::]:2200" and "host:2200 rdomain x" carry a port; a bare
// address (IPv6 ones have several colons) listens on the Port lines' ports instead.
std::optional<uint16_t> listen_address_port(std::string_view argument) {
  std::string_view address = argument.substr(0, argument.find_first_of(" \t"));
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    return port_value(address.substr(close + 2));
  }
  size_t colon = address.find(':');
  if (colon == std::string_view::npos || address.find(':', colon + 1) != std::string_view::npos) return std::nullopt;
  return port_value(address.substr(colon + 1));
}

std::string under_root(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  return (root.back() == '/' ? root.substr(0, root.size() - 1) : root) + path;
}

// `file` is a path on this system (the root's path already prefixed).
void read_config(const std::string& root, const std::string& file, int depth, SshdPorts& out) {
  auto text = read_file(file, kMaxConfigBytes);
  if (!text) {
    if (path_exists(file)) out.notes.push_back(text.error().message());
    return;
  }
  out.files.push_back(file);
  SshdPortLines lines = scan_sshd_port_lines(*text);
  for (const auto& ignored : lines.ignored) out.notes.push_back(file + ": ignored " + ignored);
  for (uint16_t port : lines.ports) {
    if (std::find(out.ports.begin(), out.ports.end(), port) == out.ports.end()) out.ports.push_back(port);
  }
  for (const auto& pattern : lines.includes) {
    if (depth >= kMaxIncludeDepth) {
      out.notes.push_back(file + ": Include nested more than " + std::to_string(kMaxIncludeDepth) + " deep, not followed");
      break;
    }
    std::string absolute = pattern.front() == '/' ? pattern : "/etc/ssh/" + pattern;
    // sshd expands the pattern with glob(3), in sorted order; no match is no file.
    for (const auto& path : paths_matching(under_root(root, absolute))) read_config(root, path, depth + 1, out);
  }
}

}  // namespace

SshdPortLines scan_sshd_port_lines(std::string_view text) {
  SshdPortLines out;
  for (const auto& raw : split(text, '\n')) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    size_t end = line.find_first_of(" \t=");
    std::string keyword = to_lower(line.substr(0, end));
    std::string_view argument;
    if (end != std::string_view::npos) {
      argument = line.substr(end);
      size_t start = argument.find_first_not_of(" \t=");
      argument = start == std::string_view::npos ? std::string_view() : trim(argument.substr(start));
    }
    if (keyword == "port") {
      if (auto port = port_value(argument))
        out.ports.push_back(*port);
      else
        out.ignored.push_back(quote(line) + " (not a port number)");
    } else if (keyword == "listenaddress") {
      if (auto port = listen_address_port(argument)) out.ports.push_back(*port);
    } else if (keyword == "include") {
      for (const auto& word : split(argument, ' ')) {
        if (!trim(word).empty()) out.includes.emplace_back(trim(word));
      }
    }
  }
  return out;
}

SshdPorts sshd_listen_ports(const std::string& root) {
  SshdPorts out;
  read_config(root, under_root(root, "/etc/ssh/sshd_config"), 0, out);
  std::sort(out.ports.begin(), out.ports.end());
  if (out.ports.empty()) {
    out.ports.push_back(22);
    out.defaulted = true;
  }
  return out;
}

}  // namespace taupage
