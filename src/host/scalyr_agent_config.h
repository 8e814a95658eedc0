/// The Scalyr agent's configuration (/etc/scalyr-agent-2/agent.json): the account key, the upload
/// server, the logs it follows and the attributes every line carries, as the original Taupage
/// wrote it. The file holds the key in plain text, so it is only ever written with mode 0600.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/secret.h"

namespace taupage {

inline constexpr const char* kScalyrAgentConfigPath = "/etc/scalyr-agent-2/agent.json";
inline constexpr const char* kScalyrServerUs = "https://agent.scalyr.com";
inline constexpr const char* kScalyrServerEu = "https://upload.eu.scalyr.com";

struct ScalyrLog {
  std::string path;
  std::string parser;
  bool redact_tokens = false;  // JSON web tokens replaced before the line leaves the machine
};

struct ScalyrAgentSettings {
  Secret api_key;
  std::string server;
  // In this order; an attribute with an empty value is left out (the original dropped nulls).
  std::vector<std::pair<std::string, std::string>> server_attributes;
  std::vector<ScalyrLog> logs;
};

// The JSON text, pretty-printed, ending with a newline.
std::string render_scalyr_agent_config(const ScalyrAgentSettings& settings);

}  // namespace taupage
