/// The TCP ports sshd listens on as the root's own configuration stands, read without running
/// sshd: what the firewall must leave open when the user data cannot be read, so that a machine
/// that failed to configure itself is closed to everything but the operator's way in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace taupage {

// What one sshd configuration file says about ports, and which files it includes.
struct SshdPortLines {
  std::vector<uint16_t> ports;        // `Port N` and the port of `ListenAddress host:N`
  std::vector<std::string> includes;  // `Include` arguments, as written (globs, maybe relative)
  std::vector<std::string> ignored;   // lines sshd would refuse, quoted for a log line
};

SshdPortLines scan_sshd_port_lines(std::string_view text);

struct SshdPorts {
  std::vector<uint16_t> ports;     // sorted, each once; never empty
  std::vector<std::string> files;  // the files read (under the root)
  bool defaulted = false;          // no Port or ListenAddress port anywhere: sshd's default 22
  std::vector<std::string> notes;  // files that could not be read, lines that were ignored
};

// <root>/etc/ssh/sshd_config and, in order, every file its Include lines name (relative ones from
// /etc/ssh, as sshd reads them), all under `root`; sshd adds up the Port lines of them all. A
// missing or unreadable file counts as empty: the answer is then sshd's default, 22.
SshdPorts sshd_listen_ports(const std::string& root);

}  // namespace taupage
