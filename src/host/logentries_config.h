/// The Logentries agent's configuration (/etc/le/config, the `le` agent's INI file): the account
/// key and the logs it follows, each sent to "<application_id>-<version>/<file>" as the original
/// Taupage registered them. It holds the key in plain text: written with mode 0600 only.
#pragma once

#include <string>
#include <vector>

#include "util/secret.h"

namespace taupage {

inline constexpr const char* kLogentriesConfigPath = "/etc/le/config";

struct LogentriesSettings {
  Secret account_key;
  std::string destination_prefix;  // "webshop-4.2.1"
  std::vector<std::string> logs;   // paths; each becomes a section named by its file name
};

std::string render_logentries_config(const LogentriesSettings& settings);

}  // namespace taupage
