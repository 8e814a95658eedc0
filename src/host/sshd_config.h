/// The sshd configuration that follows `ssh_ports`: a drop-in with one `Port` line per entry, and
/// the edits the main sshd_config needs so that only those ports are listened on (sshd adds up
/// `Port` lines from every file) and so that it reads the drop-in at all. Pure text, no files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace taupage {

inline constexpr const char* kSshdDropInFolder = "/etc/ssh/sshd_config.d";
inline constexpr const char* kSshdDropInPath = "/etc/ssh/sshd_config.d/taupage.conf";
inline constexpr const char* kSshdMainPath = "/etc/ssh/sshd_config";
inline constexpr const char* kSshdIncludeLine = "Include /etc/ssh/sshd_config.d/*.conf";

// The drop-in's whole text.
std::string sshd_drop_in(const std::vector<uint16_t>& ports);

struct SshdMainEdit {
  std::string text;                // the main file after the edit
  std::vector<std::string> notes;  // one log line per change: "line 14: commented out Port 2222 ..."
  bool changed() const { return !notes.empty(); }
};

// Comments out every active `Port` line (the drop-in lists all ports; a port left here would stay
// open, and one repeated would make sshd fail to bind it twice) and adds the Include line at the
// top when no active Include names sshd_config.d. Running it on its own output changes nothing.
SshdMainEdit edit_sshd_main_config(std::string_view text, const std::vector<uint16_t>& ports);

}  // namespace taupage
