/// Finding the host's syslog socket, as Docker's syslog driver would (/dev/log, then
/// /var/run/syslog, then /var/run/log), and whether it takes datagrams or a stream, so the
/// container can name it exactly, or fall back to json-file when nothing listens.
#pragma once

#include <string>

namespace taupage {

// "unixgram:///dev/log" or "unix:///dev/log" (paths under `root`); empty when no socket there
// accepts a connection.
std::string find_syslog_address(const std::string& root);

}  // namespace taupage
