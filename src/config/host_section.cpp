#include "config/host_section.h"

#include <algorithm>

#include "config/sysctl_rule.h"
#include "util/strings.h"

namespace taupage {
namespace {

bool has_child(const YamlNode& map, const std::string& key) {
  return std::any_of(map.entries.begin(), map.entries.end(), [&](const auto& e) { return e.key.is_scalar() && e.key.text == key; });
}

void read_notify(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (!reader.expect_mapping(node, path, "a mapping with stack and resource")) return;
  NotifyCfn notify;
  notify.mark = node.mark;
  for (const auto& [key, entry] : reader.entries(node, path)) {
    std::string item_path = path_key(path, key);
    if (key == "stack" || key == "resource") {
      config.provenance.written(item_path, entry->key.mark, entry->value.mark);
      auto value = reader.nonempty_text(entry->value, item_path);
      if (!value) continue;
      if (has_control_or_space(*value) || value->size() > 255) {
        reader.error(item_path, entry->value.mark, "expected a name without spaces, got " + entry->value.describe());
        continue;
      }
      (key == "stack" ? notify.stack : notify.resource) = *value;
    } else {
      reader.unknown_key(item_path, entry->key.mark, key, {"stack", "resource"});
    }
  }
  if (notify.stack.empty() || notify.resource.empty()) {
    if (notify.stack.empty() && !has_child(node, "stack")) reader.error(path, node.mark, "missing required key \"stack\"");
    if (notify.resource.empty() && !has_child(node, "resource")) reader.error(path, node.mark, "missing required key \"resource\"");
    return;
  }
  config.notify_cfn = notify;
}

// A list of ports, or one port written alone (then its path is $.ssh_ports itself).
void read_ssh_ports(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  std::vector<const YamlNode*> items;
  std::vector<std::string> paths;
  if (node.is_sequence()) {
    for (size_t i = 0; i < node.items.size(); ++i) {
      items.push_back(&node.items[i]);
      paths.push_back(path_index(path, i));
    }
  } else {
    items.push_back(&node);
    paths.push_back(path);
  }
  if (items.empty()) {
    reader.error(path, node.mark, "an empty list would lock everybody out; list at least one port (default 22)");
    return;
  }
  config.ssh_ports.clear();
  for (size_t i = 0; i < items.size(); ++i) {
    auto value = reader.port(*items[i], paths[i]);
    if (!value) continue;
    if (std::find(config.ssh_ports.begin(), config.ssh_ports.end(), *value) != config.ssh_ports.end()) {
      reader.error(paths[i], items[i]->mark, strfmt("port %u is listed twice", *value));
      continue;
    }
    config.provenance.record(ssh_port_address(config.ssh_ports.size()), Origin{paths[i], items[i]->mark, items[i]->mark, false});
    config.ssh_ports.push_back(*value);
  }
}

void read_mint_bucket(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node)) return;
  auto value = reader.nonempty_text(node, path, "an S3 bucket name");
  if (!value) return;
  const std::string& b = *value;
  bool ok =
      b.size() >= 3 && b.size() <= 63 && b.front() != '.' && b.front() != '-' && b.back() != '.' && b.back() != '-' &&
      b.find("..") == std::string::npos &&
      std::all_of(b.begin(), b.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; });
  if (!ok) {
    reader.error(path, node.mark, "not a valid S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-'), got " + node.describe());
    return;
  }
  config.mint_bucket = b;
}

void read_shutdown(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node) || is_false(node)) return;
  auto value = reader.text(node, path, "never, on-exit or on-success");
  if (!value) return;
  if (*value == "never") {
    config.shutdown = ShutdownWhen::Never;
  } else if (*value == "on-exit") {
    config.shutdown = ShutdownWhen::OnExit;
  } else if (*value == "on-success") {
    config.shutdown = ShutdownWhen::OnSuccess;
  } else {
    reader.error(path, node.mark,
                 "unknown shutdown " + quote(*value) + "; one of never, on-exit, on-success" +
                     did_you_mean(*value, {"never", "on-exit", "on-success"}));
  }
}

void read_sysctl(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node) || is_false(node)) return;
  if (!reader.expect_mapping(node, path, "a mapping of kernel setting to value, such as net.core.somaxconn: 4096")) return;
  for (const auto& [key, entry] : reader.entries(node, path)) {
    std::string item_path = path_key(path, key);
    config.provenance.written(item_path, entry->key.mark, entry->value.mark);
    if (std::string problem = sysctl_key_problem(key); !problem.empty()) {
      reader.error(item_path, entry->key.mark, quote(key) + " cannot be set: " + problem);
      continue;
    }
    const YamlNode& value = entry->value;
    if (!value.is_scalar() || value.is_null()) {
      reader.error(item_path, value.mark, "expected a value such as 4096 or \"4096 87380 6291456\", got " + value.describe());
      continue;
    }
    if (std::string problem = sysctl_value_problem(value.text); !problem.empty()) {
      reader.error(item_path, value.mark, problem);
      continue;
    }
    config.sysctl.push_back({key, value.text, entry->key.mark});
  }
}

// "eu" sends to Scalyr's EU upload server, "us" to the agent's default US one, in any case;
// anything else is an error rather than logs quietly sent to another continent.
void read_scalyr_region(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node)) return;
  auto value = reader.text(node, path, "eu or us");
  if (!value) return;
  std::string lower = to_lower(trim(*value));
  if (lower == "eu") {
    config.scalyr_region = ScalyrRegion::Eu;
  } else if (lower == "us") {
    config.scalyr_region = ScalyrRegion::Us;
  } else {
    reader.error(path, node.mark, "unknown Scalyr region " + quote(*value) + "; eu (upload.eu.scalyr.com) or us (agent.scalyr.com)");
  }
}

// logrotate's size notation, checked here so that logrotate never meets a policy it refuses:
// bytes, or a number with k, M or G (any case; written as logrotate spells them).
void read_logrotate_size(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node)) return;
  auto value = reader.text(node, path, "a size such as 256M");
  std::string t = value ? std::string(trim(*value)) : std::string();
  size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  std::string unit = t.substr(digits);
  auto number = parse_uint(t.substr(0, digits));
  std::string spelled = unit.empty()                 ? ""
                        : unit == "k" || unit == "K" ? "k"
                        : unit == "m" || unit == "M" ? "M"
                        : unit == "g" || unit == "G" ? "G"
                                                     : "?";
  if (!value || digits == 0 || digits > 12 || !number || *number == 0 || spelled == "?") {
    if (value) reader.error(path, node.mark, "expected a size such as 256M, 100k, 1G or 1048576 (bytes), got " + node.describe());
    return;
  }
  config.application_logrotate.size = std::to_string(*number) + spelled;
}

void read_logrotate_interval(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node)) return;
  static const std::vector<std::string> kIntervals = {"hourly", "daily", "weekly", "monthly", "yearly"};
  auto value = reader.text(node, path, "hourly, daily, weekly, monthly or yearly");
  if (!value) return;
  std::string lower = to_lower(trim(*value));
  if (std::find(kIntervals.begin(), kIntervals.end(), lower) != kIntervals.end()) {
    config.application_logrotate.interval = lower;
    return;
  }
  reader.error(
      path, node.mark,
      "unknown rotation interval " + quote(*value) + "; one of hourly, daily, weekly, monthly, yearly" + did_you_mean(lower, kIntervals));
}

// A count; quoted digits too, since the original read every value as text.
void read_logrotate_rotate(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node)) return;
  auto number = node.is_scalar() ? parse_uint(trim(node.text)) : std::nullopt;
  if (!number || *number > 1000) {
    reader.error(path, node.mark, "expected how many rotated files to keep, 0 to 1000, got " + node.describe());
    return;
  }
  config.application_logrotate.rotate = static_cast<int>(*number);
}

}  // namespace

std::string ssh_port_address(size_t index) { return path_index("$.ssh_ports", index); }

const std::vector<TopLevelKey>& host_keys() {
  static const std::vector<TopLevelKey> keys = {
      {"notify_cfn", read_notify},
      {"ssh_ports", read_ssh_ports},
      // Optional keys: an empty value means "not set" (Senza writes "" for an unused parameter).
      {"logentries_account_key",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) {
         if (!is_empty_value(n)) c.logentries_account_key = r.maybe_encrypted(n, p);
       }},
      {"scalyr_account_key",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) {
         if (!is_empty_value(n)) c.scalyr_account_key = r.maybe_encrypted(n, p);
       }},
      {"scalyr_application_log_parser",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) {
         if (is_empty_value(n)) return;
         if (auto v = r.nonempty_text(n, p)) c.scalyr_application_log_parser = *v;
       }},
      {"mint_bucket", read_mint_bucket},
      // Options of the original for the host; empty (or false) means not set.
      {"shutdown", read_shutdown},
      {"sysctl", read_sysctl},
      {"scalyr_region", read_scalyr_region},
      {"application_logrotate_size", read_logrotate_size},
      {"application_logrotate_interval", read_logrotate_interval},
      {"application_logrotate_rotate", read_logrotate_rotate},
      // The policy never copies and truncates (rsyslog reopens the file), so there is nothing to
      // turn off; the key is still read as the boolean it is.
      {"application_logrotate_disable_copytruncate",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config&) {
         bool ignored = false;
         r.optional_boolean(n, p, ignored);
       }},
      {"application_logrotate_disable_delaycompress",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) {
         bool disable = false;
         r.optional_boolean(n, p, disable);
         c.application_logrotate.delaycompress = !disable;
       }},
      {"application_logrotate_disable_compress",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) {
         bool disable = false;
         r.optional_boolean(n, p, disable);
         c.application_logrotate.compress = !disable;
       }},
  };
  return keys;
}

void finish_host(Config& config) {
  // Written, ssh_ports has its items recorded; the default [22] is recorded as one.
  if (!config.provenance.is_written("$.ssh_ports")) {
    for (size_t i = 0; i < config.ssh_ports.size(); ++i) config.provenance.defaulted(ssh_port_address(i));
  }
}

}  // namespace taupage
