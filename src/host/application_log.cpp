#include "host/application_log.h"

#include "util/strings.h"

namespace taupage {
namespace {

// A double-quoted RainerScript string.
std::string rainer_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string render_application_rsyslog_rule(const std::string& syslog_tag) {
  // The message of an RFC 3164 line keeps the space after "tag:"; ltrim gives the application's
  // own text, as the original's "%msg%" without that space.
  return "# Written by Taupage on every boot: the application container's lines (syslog tag " + syslog_tag +
         ")\n"
         "# go to " +
         std::string(kApplicationLogPath) +
         ", only the message, and not also to /var/log/syslog.\n"
         "template(name=\"TaupageApplicationMessage\" type=\"string\" string=\"%$!taupage_message%\\n\")\n"
         "if $syslogtag == " +
         rainer_string(syslog_tag + ":") + " or $syslogtag startswith " + rainer_string(syslog_tag + "[") +
         " then {\n"
         "  set $!taupage_message = ltrim($msg);\n"
         "  action(type=\"omfile\" file=\"" +
         kApplicationLogPath +
         "\" template=\"TaupageApplicationMessage\")\n"
         "  stop\n"
         "}\n";
}

std::string render_application_logrotate(const LogrotatePolicy& policy) {
  std::string text =
      "# Written by Taupage on every boot from application_logrotate_* (unset: the original's\n"
      "# rotate 4, weekly, 256M, compressed one rotation late); changes here are replaced.\n";
  text += std::string(kApplicationLogPath) + " {\n";
  text += strfmt("    rotate %d\n", policy.rotate);
  text += "    " + policy.interval + "\n";
  // maxsize, not size: the file is rotated every interval and also when it outgrew the size (size
  // would make logrotate ignore the interval).
  text += "    maxsize " + policy.size + "\n";
  text += "    missingok\n    notifempty\n";
  if (policy.compress) text += "    compress\n";
  if (policy.compress && policy.delaycompress) text += "    delaycompress\n";
  // rsyslog keeps the file open: HUP makes it open the new one.
  text +=
      "    sharedscripts\n"
      "    postrotate\n"
      "        systemctl kill -s HUP rsyslog.service >/dev/null 2>&1 || true\n"
      "    endscript\n"
      "}\n";
  return text;
}

}  // namespace taupage
