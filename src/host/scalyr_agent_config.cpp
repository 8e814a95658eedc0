#include "host/scalyr_agent_config.h"

#include "util/json.h"

namespace taupage {
namespace {

// A JSON web token: three base64url parts, the first two encoded JSON objects ("eyJ" is "{\"").
// Applications log bearer tokens more often than they mean to.
constexpr const char* kTokenPattern = "eyJ[A-Za-z0-9_=-]{5,}\\.eyJ[A-Za-z0-9_=-]{5,}\\.[A-Za-z0-9_=+/-]{5,}";
constexpr const char* kTokenReplacement = "+++JWT_TOKEN_REDACTED+++";

}  // namespace

std::string render_scalyr_agent_config(const ScalyrAgentSettings& settings) {
  Json attributes = Json::object();
  for (const auto& [name, value] : settings.server_attributes) {
    if (!value.empty()) attributes.set(name, value);
  }
  Json logs = Json::array();
  for (const auto& log : settings.logs) {
    Json entry = Json::object();
    entry.set("path", log.path);
    // The whole file on the first start, not only what comes after it: the boot's own lines too.
    entry.set("copy_from_start", true);
    Json log_attributes = Json::object();
    log_attributes.set("parser", log.parser);
    entry.set("attributes", std::move(log_attributes));
    if (log.redact_tokens) {
      Json rule = Json::object();
      rule.set("match_expression", kTokenPattern);
      rule.set("replacement", kTokenReplacement);
      Json rules = Json::array();
      rules.push(std::move(rule));
      entry.set("redaction_rules", std::move(rules));
    }
    logs.push(std::move(entry));
  }
  Json config = Json::object();
  config.set("api_key", settings.api_key.reveal());
  config.set("scalyr_server", settings.server);
  // The original's tuning: lines up to ~50 KB whole, bz2 to save upload bandwidth, and no
  // monitors of the agent's own process (the host's lines are what is wanted).
  config.set("compressionType", "bz2");
  config.set("max_line_size", 49900);
  config.set("read_page_size", 131072);
  config.set("max_log_offset_size", 30000000);
  config.set("implicit_agent_process_metrics_monitor", false);
  config.set("implicit_metric_monitor", false);
  config.set("server_attributes", std::move(attributes));
  config.set("logs", std::move(logs));
  config.set("monitors", Json::array());
  return config.dump(2) + "\n";
}

}  // namespace taupage
