/// The application log: the container's lines, which reach syslog under the container's tag, go
/// to /var/log/application.log with only the message (as on the original Taupage), by an rsyslog
/// rule, and that file is rotated by a logrotate policy. Both files are plain text rendered here.
#pragma once

#include <string>

namespace taupage {

inline constexpr const char* kApplicationLogPath = "/var/log/application.log";
// Before Debian's 50-default.conf, so that the rule's `stop` keeps the lines out of /var/log/syslog.
inline constexpr const char* kApplicationRsyslogRulePath = "/etc/rsyslog.d/24-taupage-application.conf";
inline constexpr const char* kApplicationLogrotatePath = "/etc/logrotate.d/taupage-application";

// The rule for the lines tagged `syslog_tag` ("docker/webshop"); Docker's syslog driver sends
// "<tag>[<pid>]:", a sender without a pid "<tag>:".
std::string render_application_rsyslog_rule(const std::string& syslog_tag);

struct LogrotatePolicy {
  std::string size;      // "256M": rotated early at a run of logrotate that finds the file bigger
  std::string interval;  // "weekly"
  int rotate = 4;
  bool compress = true;
  bool delaycompress = true;
};

std::string render_application_logrotate(const LogrotatePolicy& policy);

}  // namespace taupage
