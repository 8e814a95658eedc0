#include "host/sshd_config.h"

#include <algorithm>

#include "util/strings.h"

namespace taupage {
namespace {

// sshd_config keywords are case-insensitive and end at whitespace or '='.
struct Directive {
  std::string keyword;  // lower case
  std::string argument;
};

Directive parse_directive(std::string_view line) {
  std::string_view t = trim(line);
  Directive d;
  if (t.empty() || t.front() == '#') return d;
  size_t end = t.find_first_of(" \t=");
  d.keyword = to_lower(t.substr(0, end));
  if (end != std::string_view::npos) {
    std::string_view rest = t.substr(end);
    size_t start = rest.find_first_not_of(" \t=");
    if (start != std::string_view::npos) d.argument = std::string(trim(rest.substr(start)));
  }
  return d;
}

bool includes_drop_in_folder(const std::string& argument) {
  for (const auto& word : split(argument, ' ')) {
    // sshd reads relative Include paths from /etc/ssh.
    if (word.rfind("/etc/ssh/sshd_config.d/", 0) == 0 || word.rfind("sshd_config.d/", 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::string sshd_drop_in(const std::vector<uint16_t>& ports) {
  std::string out = "# Written by taupage from ssh_ports in the user data; replaced on every boot.\n";
  for (uint16_t port : ports) out += strfmt("Port %u\n", port);
  return out;
}

SshdMainEdit edit_sshd_main_config(std::string_view text, const std::vector<uint16_t>& ports) {
  SshdMainEdit edit;
  std::vector<std::string> lines = split(text, '\n');
  bool trailing_newline = !text.empty() && text.back() == '\n';
  if (trailing_newline) lines.pop_back();
  bool has_include = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    Directive d = parse_directive(lines[i]);
    if (d.keyword == "include" && includes_drop_in_folder(d.argument)) has_include = true;
    if (d.keyword != "port") continue;
    auto value = parse_uint(d.argument);
    bool listed = value && std::find(ports.begin(), ports.end(), *value) != ports.end();
    edit.notes.push_back(strfmt("%s line %zu: commented out \"%s\" (%s; the ports come from ssh_ports in %s)", kSshdMainPath, i + 1,
                                std::string(trim(lines[i])).c_str(), listed ? "a duplicate of an ssh_ports entry" : "not in ssh_ports",
                                kSshdDropInPath));
    lines[i] = "# " + lines[i] + "  # commented out by taupage: ports come from ssh_ports";
  }
  if (!has_include) {
    lines.insert(lines.begin(),
                 {"# Added by taupage: the ports in ssh_ports are set in " + std::string(kSshdDropInPath), kSshdIncludeLine});
    edit.notes.push_back(strfmt("%s: added \"%s\" at the top, so that sshd reads %s", kSshdMainPath, kSshdIncludeLine, kSshdDropInPath));
  }
  edit.text = join(lines, "\n");
  if (trailing_newline || !has_include) edit.text += "\n";
  return edit;
}

}  // namespace taupage
