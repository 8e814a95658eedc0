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
  bool ok = b.size() >= 3 && b.size() <= 63 && b.front() != '.' && b.front() != '-' && b.back() != '.' && b.back() != '-' &&
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
                 "unknown shutdown " + quote(*value) + "; one of never, on-exit, on-success" + did_you_mean(*value, {"never", "on-exit", "on-success"}));
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
