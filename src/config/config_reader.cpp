#include "config/config_reader.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "config/capabilities.h"
#include "config/original_options.h"
#include "config/sysctl_rule.h"
#include "config/yaml_tree.h"
#include "util/base64.h"
#include "util/strings.h"

namespace taupage {
namespace {

struct RaidLevel {
  int level;
  size_t minimum_members;
};
constexpr RaidLevel kRaidLevels[] = {{0, 2}, {1, 2}, {5, 3}, {6, 4}, {10, 4}};

// The default first: a typo close to several ext versions suggests ext4.
const std::vector<std::string> kFilesystems = {"ext4", "ext3", "ext2", "xfs", "btrfs", "tmpfs"};

bool is_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool has_control_or_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

// "/dev/sdf" or "/dev/xvdf" -> "f"; empty when `device` is neither form.
std::string ebs_slot(std::string_view device) {
  std::string_view rest;
  if (device.substr(0, 7) == "/dev/sd") rest = device.substr(7);
  else if (device.substr(0, 8) == "/dev/xvd") rest = device.substr(8);
  else return {};
  if (rest.empty() || rest.size() > 2) return {};
  for (char c : rest) {
    if (c < 'a' || c > 'z') return {};
  }
  return std::string(rest);
}

bool is_raw_nvme(std::string_view device) { return device.substr(0, 9) == "/dev/nvme"; }

// null, "" or nothing at all: an optional key given no value.
bool is_empty_value(const YamlNode& node) { return node.is_null() || (node.is_scalar() && trim(node.text).empty()); }

bool is_false(const YamlNode& node) {
  return node.is_scalar() && node.plain && (node.text == "false" || node.text == "False" || node.text == "FALSE");
}

class Validator {
 public:
  Validator(const ReadOptions& options, Diagnostics& diagnostics) : options_(options), diagnostics_(diagnostics) {}

  void error(const std::string& path, Mark mark, const std::string& message) {
    diagnostics_.push_back({Diagnostic::Severity::Error, path, mark, message});
  }
  void warn(const std::string& path, Mark mark, const std::string& message) {
    diagnostics_.push_back({Diagnostic::Severity::Warning, path, mark, message});
  }
  void unknown_key(const std::string& path, Mark mark, const std::string& key, const std::vector<std::string>& known) {
    std::string message = "unknown key " + quote(key);
    std::string suggestion = closest_match(key, known);
    if (!suggestion.empty()) message += " (did you mean " + quote(suggestion) + "?)";
    if (options_.strict) {
      error(path, mark, message);
    } else {
      warn(path, mark, message + "; ignored");
    }
  }

  // A mapping's entries by key text; duplicate keys are errors (YAML forbids them, libyaml allows them).
  std::vector<std::pair<std::string, const YamlEntry*>> entries(const YamlNode& map, const std::string& path) {
    std::vector<std::pair<std::string, const YamlEntry*>> out;
    std::map<std::string, Mark> seen;
    for (const auto& entry : map.entries) {
      if (!entry.key.is_scalar()) {
        error(path, entry.key.mark, "a key must be a plain value, not " + entry.key.describe());
        continue;
      }
      const std::string& key = entry.key.text;
      auto [it, inserted] = seen.emplace(key, entry.key.mark);
      if (!inserted) {
        error(path_key(path, key), entry.key.mark, strfmt("duplicate key %s (first written at line %d)", quote(key).c_str(), it->second.line));
        continue;
      }
      out.emplace_back(key, &entry);
    }
    return out;
  }

  bool expect_mapping(const YamlNode& node, const std::string& path, const char* what) {
    if (node.is_mapping()) return true;
    error(path, node.mark, std::string("expected ") + what + ", got " + node.describe());
    return false;
  }

  // A scalar's text; null, mappings and lists are errors.
  std::optional<std::string> text(const YamlNode& node, const std::string& path, const char* what = "a string") {
    if (!node.is_scalar() || node.is_null()) {
      error(path, node.mark, std::string("expected ") + what + ", got " + node.describe());
      return std::nullopt;
    }
    return node.text;
  }

  std::optional<std::string> nonempty_text(const YamlNode& node, const std::string& path, const char* what = "a string") {
    auto value = text(node, path, what);
    if (value && trim(*value).empty()) {
      error(path, node.mark, "must not be empty");
      return std::nullopt;
    }
    return value;
  }

  // Only the YAML booleans true and false; "false" in quotes is a string (the original wiped data on it).
  std::optional<bool> boolean(const YamlNode& node, const std::string& path) {
    if (node.is_scalar() && node.plain && node.tag.empty()) {
      if (node.text == "true" || node.text == "True" || node.text == "TRUE") return true;
      if (node.text == "false" || node.text == "False" || node.text == "FALSE") return false;
    }
    std::string message = "expected true or false, got " + node.describe();
    std::string lower = to_lower(node.text);
    if (node.is_scalar() && !node.plain && (lower == "true" || lower == "false")) {
      message += "; write it without quotes: a quoted " + quote(node.text) + " is a string, not a boolean";
    } else if (node.is_scalar() && (lower == "yes" || lower == "no" || lower == "on" || lower == "off")) {
      message += "; write true or false";
    }
    error(path, node.mark, message);
    return std::nullopt;
  }

  std::optional<int64_t> integer(const YamlNode& node, const std::string& path, int64_t min, int64_t max, const char* what) {
    if (node.is_scalar() && node.plain) {
      // Compared as unsigned first: a value beyond int64 must not wrap into the range.
      auto value = parse_uint(node.text);
      if (value && *value <= static_cast<uint64_t>(max) && static_cast<int64_t>(*value) >= min) return static_cast<int64_t>(*value);
    }
    error(path, node.mark, strfmt("expected %s from %lld to %lld, got %s", what, static_cast<long long>(min), static_cast<long long>(max),
                                  node.describe().c_str()));
    return std::nullopt;
  }

  std::optional<uint16_t> port(const YamlNode& node, const std::string& path) {
    auto value = integer(node, path, 1, 65535, "a port number");
    if (!value) return std::nullopt;
    return static_cast<uint16_t>(*value);
  }

  // "8301", "8301/udp": the port and the protocol if one is written.
  bool port_spec(const YamlNode& node, const std::string& path, uint16_t* port_out, std::optional<Protocol>* protocol_out) {
    if (!node.is_scalar() || node.is_null()) {
      error(path, node.mark, "expected a port such as 8080 or \"8080/udp\", got " + node.describe());
      return false;
    }
    std::string spec = node.text;
    size_t slash = spec.find('/');
    std::string number = spec.substr(0, slash);
    auto value = parse_uint(number);
    if (!value || *value < 1 || *value > 65535) {
      error(path, node.mark, "expected a port from 1 to 65535, got " + node.describe());
      return false;
    }
    *port_out = static_cast<uint16_t>(*value);
    if (slash == std::string::npos) return true;
    std::string protocol = spec.substr(slash + 1);
    if (protocol == "tcp") {
      *protocol_out = Protocol::Tcp;
    } else if (protocol == "udp") {
      *protocol_out = Protocol::Udp;
    } else {
      std::string message = "unknown protocol " + quote(protocol);
      std::string suggestion = closest_match(protocol, {"tcp", "udp"});
      message += suggestion.empty() ? " (tcp or udp)" : " (did you mean " + quote(suggestion) + "?)";
      error(path, node.mark, message);
      return false;
    }
    return true;
  }

  // An "aws:kms:" value: the ciphertext must be valid base64.
  bool check_kms(const std::string& value, const YamlNode& node, const std::string& path) {
    std::string ciphertext = value.substr(kKmsPrefix.size());
    std::string problem = base64_problem(ciphertext);
    if (problem.empty()) return true;
    std::string shown = ciphertext.size() > 24 ? ciphertext.substr(0, 24) + "..." : ciphertext;
    error(path, node.mark, "the aws:kms: value is not valid base64 (" + problem + "); it starts " + quote(shown) +
                               "; paste the whole ciphertext that KMS Encrypt returned");
    return false;
  }

  std::optional<MaybeEncrypted> maybe_encrypted(const YamlNode& node, const std::string& path) {
    auto value = nonempty_text(node, path);
    if (!value) return std::nullopt;
    MaybeEncrypted out{*value, value->rfind(kKmsPrefix, 0) == 0, {}, node.mark};
    if (out.encrypted && !check_kms(*value, node, path)) return std::nullopt;
    if (out.encrypted) out.ciphertext = value->substr(kKmsPrefix.size());
    return out;
  }

  // A device path for raid members and mount partitions.
  bool device_path(const std::string& device, const YamlNode& node, const std::string& path) {
    if (is_raw_nvme(device)) {
      error(path, node.mark, "raw NVMe names such as " + quote(device) +
                                 " change between boots; name the EBS slot as attached (/dev/sdX or /dev/xvdX)");
      return false;
    }
    if (device.rfind("/dev/", 0) != 0 || device.size() <= 5 || has_control_or_space(device) || device.find("/../") != std::string::npos) {
      error(path, node.mark, "expected a device path under /dev/, got " + node.describe());
      return false;
    }
    return true;
  }

  void read(const YamlNode& root, Config& config) {
    if (!root.is_mapping()) {
      error("$", root.mark, "user data must be a mapping of options (application_id: ..., source: ...), got " + root.describe());
      return;
    }
    using Handler = std::function<void(const YamlNode&, const std::string&)>;
    const std::vector<std::pair<std::string, Handler>> handlers = {
        {"application_id", [&](const YamlNode& n, const std::string& p) { read_application_id(n, p, config); }},
        {"application_version", [&](const YamlNode& n, const std::string& p) { read_application_version(n, p, config); }},
        {"runtime", [&](const YamlNode& n, const std::string& p) { read_runtime(n, p, config); }},
        {"source", [&](const YamlNode& n, const std::string& p) { read_source(n, p, config); }},
        {"ports", [&](const YamlNode& n, const std::string& p) { read_ports(n, p, config); }},
        {"health_check_port", [&](const YamlNode& n, const std::string& p) { health_port_ = port(n, p); health_port_mark_ = n.mark; }},
        {"health_check_path", [&](const YamlNode& n, const std::string& p) { read_health_path(n, p, config); }},
        {"health_check_timeout_seconds", [&](const YamlNode& n, const std::string& p) {
           if (auto v = integer(n, p, 1, 86400, "a number of seconds")) config.health_check_timeout_seconds = static_cast<int>(*v);
         }},
        {"environment", [&](const YamlNode& n, const std::string& p) { read_environment(n, p, config); }},
        {"capabilities_add", [&](const YamlNode& n, const std::string& p) { read_capabilities(n, p, config.capabilities_add); }},
        {"capabilities_drop", [&](const YamlNode& n, const std::string& p) { read_capabilities(n, p, config.capabilities_drop); }},
        {"hostname", [&](const YamlNode& n, const std::string& p) { read_hostname(n, p, config); }},
        {"networking", [&](const YamlNode& n, const std::string& p) { read_networking(n, p, config); }},
        {"root", [&](const YamlNode& n, const std::string& p) { if (auto b = boolean(n, p)) config.root = *b; }},
        {"privileged", [&](const YamlNode& n, const std::string& p) { if (auto b = boolean(n, p)) config.privileged = *b; }},
        {"volumes", [&](const YamlNode& n, const std::string& p) { read_volumes(n, p, config); }},
        {"mounts", [&](const YamlNode& n, const std::string& p) { read_mounts(n, p, config); }},
        {"notify_cfn", [&](const YamlNode& n, const std::string& p) { read_notify(n, p, config); }},
        {"ssh_ports", [&](const YamlNode& n, const std::string& p) { read_ssh_ports(n, p, config); }},
        // Optional keys: an empty value means "not set" (Senza writes "" for an unused parameter).
        {"logentries_account_key", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n)) config.logentries_account_key = maybe_encrypted(n, p);
         }},
        {"scalyr_account_key", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n)) config.scalyr_account_key = maybe_encrypted(n, p);
         }},
        {"scalyr_application_log_parser", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n)) {
             if (auto v = nonempty_text(n, p)) config.scalyr_application_log_parser = *v;
           }
         }},
        {"mint_bucket", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n)) read_mint_bucket(n, p, config);
         }},
        {"scalyr_region", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n)) read_scalyr_region(n, p, config);
         }},
        {"application_logrotate_size", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n)) read_logrotate_size(n, p, config);
         }},
        {"application_logrotate_interval", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n)) read_logrotate_interval(n, p, config);
         }},
        {"application_logrotate_rotate", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n)) read_logrotate_rotate(n, p, config);
         }},
        // The policy never copies and truncates (rsyslog reopens the file), so there is nothing
        // to turn off; the key is still read as the boolean it is.
        {"application_logrotate_disable_copytruncate", [&](const YamlNode& n, const std::string& p) {
           bool ignored = false;
           optional_boolean(n, p, ignored);
         }},
        {"application_logrotate_disable_delaycompress", [&](const YamlNode& n, const std::string& p) {
           bool disable = false;
           optional_boolean(n, p, disable);
           config.application_logrotate.delaycompress = !disable;
         }},
        {"application_logrotate_disable_compress", [&](const YamlNode& n, const std::string& p) {
           bool disable = false;
           optional_boolean(n, p, disable);
           config.application_logrotate.compress = !disable;
         }},
        // Options of the original for the container and the host; empty (or false) means not set.
        {"read_only", [&](const YamlNode& n, const std::string& p) { optional_boolean(n, p, config.read_only); }},
        {"mount_var_log", [&](const YamlNode& n, const std::string& p) { optional_boolean(n, p, config.mount_var_log); }},
        {"mount_custom_log", [&](const YamlNode& n, const std::string& p) { optional_boolean(n, p, config.mount_custom_log); }},
        {"mount_certs", [&](const YamlNode& n, const std::string& p) { optional_boolean(n, p, config.mount_certs); }},
        {"docker_daemon_access", [&](const YamlNode& n, const std::string& p) { optional_boolean(n, p, config.docker_daemon_access); }},
        {"shm_size", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n) && !is_false(n)) read_shm_size(n, p, config);
         }},
        {"dockercfg", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n) && !is_false(n)) read_dockercfg(n, p, config);
         }},
        {"shutdown", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n) && !is_false(n)) read_shutdown(n, p, config);
         }},
        {"sysctl", [&](const YamlNode& n, const std::string& p) {
           if (!is_empty_value(n) && !is_false(n)) read_sysctl(n, p, config);
         }},
    };
    std::vector<std::string> known;
    for (const auto& h : handlers) known.push_back(h.first);
    // A typo of an option of the original gets its suggestion like any other key.
    std::vector<std::string> suggestible = known;
    for (const auto& option : original_only_options()) suggestible.emplace_back(option.key);

    for (const auto& keyed : entries(root, "$")) {
      const std::string& key = keyed.first;
      const YamlEntry* entry = keyed.second;
      std::string path = path_key("$", key);
      config.key_marks[key] = entry->key.mark;
      auto handler = std::find_if(handlers.begin(), handlers.end(), [&](const auto& h) { return h.first == key; });
      if (handler != handlers.end()) {
        handler->second(entry->value, path);
      } else if (const OriginalOption* original = find_original_option(key)) {
        // Turned off or left empty, the option asks for nothing that is missing here.
        if (is_empty_value(entry->value) || is_false(entry->value)) continue;
        std::string message = quote(key) + " is an option of the original Taupage that is ignored here: " + original->why;
        if (options_.strict) {
          error(path, entry->key.mark, message);
        } else {
          warn(path, entry->key.mark, message + "; ignored");
        }
      } else {
        unknown_key(path, entry->key.mark, key, suggestible);
      }
    }
    for (const char* required : {"application_id", "application_version", "runtime", "source"}) {
      if (!config.key_marks.count(required)) error("$", root.mark, std::string("missing required key ") + quote(required));
    }
    cross_checks(config);
  }

  void read_application_id(const YamlNode& node, const std::string& path, Config& config) {
    auto value = nonempty_text(node, path);
    if (!value) return;
    bool ok = value->size() <= 128 && std::all_of(value->begin(), value->end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
              });
    if (!ok) {
      error(path, node.mark, "expected letters, digits, '-', '_' or '.' (at most 128), got " + node.describe());
      return;
    }
    config.application_id = *value;
  }

  void read_application_version(const YamlNode& node, const std::string& path, Config& config) {
    auto value = nonempty_text(node, path);
    if (!value) return;
    if (has_control_or_space(*value) || value->size() > 128) {
      error(path, node.mark, "expected a version without spaces (at most 128 characters), got " + node.describe());
      return;
    }
    config.application_version = *value;
  }

  void read_runtime(const YamlNode& node, const std::string& path, Config& config) {
    auto value = nonempty_text(node, path);
    if (!value) return;
    if (to_lower(*value) != "docker") {
      error(path, node.mark, "unsupported runtime " + quote(*value) + "; Taupage runs Docker images (runtime: Docker)");
      return;
    }
    config.runtime = "Docker";
  }

  void read_source(const YamlNode& node, const std::string& path, Config& config) {
    auto value = nonempty_text(node, path, "an image reference");
    if (!value) return;
    std::string problem;
    if (!parse_image_reference(*value, &config.source, &problem)) error(path, node.mark, problem);
  }

  void read_ports(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping of host port to container port")) return;
    std::map<std::pair<uint16_t, Protocol>, int> seen;
    for (const auto& [key, entry] : entries(node, path)) {
      std::string item_path = path_key(path, key);
      uint16_t host = 0, container = 0;
      std::optional<Protocol> host_protocol, container_protocol;
      bool ok = port_spec(entry->key, item_path, &host, &host_protocol);
      ok = port_spec(entry->value, item_path, &container, &container_protocol) && ok;
      if (!ok) continue;
      if (host_protocol && container_protocol && *host_protocol != *container_protocol) {
        error(item_path, entry->value.mark,
              strfmt("the host side says %s and the container side says %s; a port mapping has one protocol",
                     protocol_name(*host_protocol), protocol_name(*container_protocol)));
        continue;
      }
      Protocol protocol = host_protocol ? *host_protocol : container_protocol ? *container_protocol : Protocol::Tcp;
      auto [it, inserted] = seen.emplace(std::make_pair(host, protocol), entry->key.mark.line);
      if (!inserted) {
        error(item_path, entry->key.mark, strfmt("host port %u/%s is already mapped at line %d", host, protocol_name(protocol), it->second));
        continue;
      }
      config.ports.push_back({host, container, protocol, entry->key.mark});
    }
  }

  void read_health_path(const YamlNode& node, const std::string& path, Config& config) {
    auto value = nonempty_text(node, path, "a URL path");
    if (!value) return;
    if ((*value)[0] != '/' || has_control_or_space(*value)) {
      error(path, node.mark, "expected a URL path starting with '/', without spaces, got " + node.describe());
      return;
    }
    config.health_check_path = *value;
  }

  void read_environment(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping of variable names to values")) return;
    for (const auto& [name, entry] : entries(node, path)) {
      std::string item_path = path_key(path, name);
      if (!is_identifier(name)) {
        error(item_path, entry->key.mark, "invalid variable name " + quote(name) + " (letters, digits and '_', not starting with a digit)");
        continue;
      }
      if (name == "APPLICATION_ID" || name == "APPLICATION_VERSION" || name == "CREDENTIALS_DIR") {
        warn(item_path, entry->key.mark, name + " is set by Taupage (from application_id, application_version and the credentials folder); this value is ignored");
        continue;
      }
      const YamlNode& value = entry->value;
      if (!value.is_scalar()) {
        error(item_path, value.mark, "expected a value, got " + value.describe() + "; quote it to pass text");
        continue;
      }
      if (value.is_null()) {
        error(item_path, value.mark, "the value is null; write \"\" for an empty value, or remove the variable");
        continue;
      }
      EnvironmentVariable var{{value.text, false, {}, value.mark}, name};
      if (value.text.rfind(kKmsPrefix, 0) == 0) {
        var.encrypted = true;
        var.ciphertext = value.text.substr(kKmsPrefix.size());
        if (!check_kms(value.text, value, item_path)) continue;
      }
      config.environment.push_back(std::move(var));
    }
  }

  void read_capabilities(const YamlNode& node, const std::string& path, std::vector<std::string>& out) {
    if (!node.is_sequence()) {
      error(path, node.mark, "expected a list of capability names, got " + node.describe());
      return;
    }
    for (size_t i = 0; i < node.items.size(); ++i) {
      std::string item_path = path_index(path, i);
      auto name = nonempty_text(node.items[i], item_path, "a capability name");
      if (!name) continue;
      std::string normalized = normalize_capability(*name);
      if (normalized.empty()) {
        std::string message = "unknown capability " + quote(*name);
        std::string bare = name->rfind("CAP_", 0) == 0 ? name->substr(4) : *name;
        std::string suggestion = closest_match(bare, capability_names());
        if (!suggestion.empty()) message += " (did you mean " + quote(suggestion) + "?)";
        error(item_path, node.items[i].mark, message);
        continue;
      }
      if (std::find(out.begin(), out.end(), normalized) != out.end()) {
        warn(item_path, node.items[i].mark, quote(normalized) + " is listed twice");
        continue;
      }
      out.push_back(normalized);
    }
  }

  void read_hostname(const YamlNode& node, const std::string& path, Config& config) {
    auto value = nonempty_text(node, path, "a host name");
    if (!value) return;
    bool ok = value->size() <= 64;
    for (const auto& label : split(*value, '.')) {
      bool label_ok = !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
                      std::all_of(label.begin(), label.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                      });
      ok = ok && label_ok;
    }
    if (!ok) {
      error(path, node.mark, "not a valid host name (RFC 1123: labels of letters, digits and '-', at most 64 characters), got " + node.describe());
      return;
    }
    config.hostname = *value;
  }

  void read_networking(const YamlNode& node, const std::string& path, Config& config) {
    auto value = nonempty_text(node, path);
    if (!value) return;
    if (*value == "bridge" || *value == "default") {
      config.networking.mode = NetworkMode::Bridge;
    } else if (*value == "host") {
      config.networking.mode = NetworkMode::Host;
    } else if (*value == "none") {
      config.networking.mode = NetworkMode::None;
    } else if (value->rfind("container:", 0) == 0 && value->size() > 10 && !has_control_or_space(*value)) {
      config.networking.mode = NetworkMode::Container;
      config.networking.container = value->substr(10);
    } else {
      std::string message = "unknown networking " + quote(*value) + "; one of bridge, host, none, container:NAME";
      std::string suggestion = closest_match(*value, {"bridge", "host", "none"});
      if (!suggestion.empty()) message += " (did you mean " + quote(suggestion) + "?)";
      error(path, node.mark, message);
    }
  }

  void read_volumes(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping with ebs and raid")) return;
    for (const auto& [key, entry] : entries(node, path)) {
      std::string item_path = path_key(path, key);
      if (key == "ebs") {
        read_ebs(entry->value, item_path, config);
      } else if (key == "raid") {
        read_raid(entry->value, item_path, config);
      } else {
        unknown_key(item_path, entry->key.mark, key, {"ebs", "raid"});
      }
    }
  }

  void read_ebs(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping of device (/dev/sdf) to the volume's Name tag")) return;
    std::map<std::string, int> slots;
    for (const auto& [device, entry] : entries(node, path)) {
      std::string item_path = path_key(path, device);
      if (is_raw_nvme(device)) {
        device_path(device, entry->key, item_path);
        continue;
      }
      std::string slot = ebs_slot(device);
      if (slot.empty() || slot == "a") {
        error(item_path, entry->key.mark, "expected an EBS device name such as /dev/sdf or /dev/xvdf (not the root device /dev/sda), got " +
                                                quote(device));
        continue;
      }
      auto [it, inserted] = slots.emplace(slot, entry->key.mark.line);
      if (!inserted) {
        error(item_path, entry->key.mark, strfmt("/dev/sd%s and /dev/xvd%s name the same slot, already used at line %d", slot.c_str(), slot.c_str(), it->second));
        continue;
      }
      auto name = nonempty_text(entry->value, item_path, "the volume's Name tag");
      if (!name) continue;
      if (name->size() > 256) {
        error(item_path, entry->value.mark, "a Name tag has at most 256 characters");
        continue;
      }
      bool placeholders_ok = true;
      for (size_t pos = name->find("${"); pos != std::string::npos; pos = name->find("${", pos + 2)) {
        size_t end = name->find('}', pos);
        std::string placeholder = end == std::string::npos ? name->substr(pos) : name->substr(pos + 2, end - pos - 2);
        if (placeholder != "local_ipv4" && placeholder != "public_ipv4") {
          error(item_path, entry->value.mark, "unknown placeholder " + quote("${" + placeholder + (end == std::string::npos ? "" : "}")) +
                                                   "; known: ${local_ipv4}, ${public_ipv4}");
          placeholders_ok = false;
          break;
        }
      }
      if (placeholders_ok) config.ebs.push_back({device, slot, *name, entry->key.mark});
    }
  }

  void read_raid(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping of /dev/md/NAME to its level and devices")) return;
    for (const auto& [device, entry] : entries(node, path)) {
      std::string item_path = path_key(path, device);
      RaidArray array;
      array.device = device;
      raid_devices_written_.insert(device);
      array.mark = entry->key.mark;
      array.name = device.rfind("/dev/md/", 0) == 0 ? device.substr(8) : "";
      bool name_ok = !array.name.empty() && array.name.size() <= 32 && std::all_of(array.name.begin(), array.name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                     });
      if (!name_ok) {
        error(item_path, entry->key.mark, "expected /dev/md/NAME (NAME: letters, digits, '-', '_', '.'; at most 32), got " + quote(device));
        continue;
      }
      if (!expect_mapping(entry->value, item_path, "a mapping with level and devices")) continue;
      bool ok = true, has_level = false, has_devices = false;
      for (const auto& [key, field] : entries(entry->value, item_path)) {
        std::string field_path = path_key(item_path, key);
        if (key == "level") {
          has_level = true;
          const YamlNode& level = field->value;
          auto value = level.is_scalar() && level.plain ? parse_uint(level.text) : std::nullopt;
          auto known = std::find_if(std::begin(kRaidLevels), std::end(kRaidLevels),
                                    [&](const RaidLevel& l) { return value && *value == static_cast<uint64_t>(l.level); });
          if (known == std::end(kRaidLevels)) {
            std::string message = "expected a RAID level 0, 1, 5, 6 or 10, got " + level.describe();
            std::string lower = to_lower(level.text);
            if (lower.rfind("raid", 0) == 0) message += "; write the number alone (level: " + lower.substr(4) + ")";
            error(field_path, level.mark, message);
            ok = false;
          } else {
            array.level = known->level;
          }
        } else if (key == "devices") {
          has_devices = true;
          if (!field->value.is_sequence()) {
            error(field_path, field->value.mark, "expected a list of devices, got " + field->value.describe());
            ok = false;
            continue;
          }
          std::set<std::string> seen;
          for (size_t i = 0; i < field->value.items.size(); ++i) {
            const YamlNode& member = field->value.items[i];
            std::string member_path = path_index(field_path, i);
            auto name = nonempty_text(member, member_path, "a device path");
            if (!name || !device_path(*name, member, member_path)) {
              ok = false;
              continue;
            }
            std::string identity = ebs_slot(*name).empty() ? *name : "slot:" + ebs_slot(*name);
            if (!seen.insert(identity).second) {
              error(member_path, member.mark, quote(*name) + " is listed twice");
              ok = false;
              continue;
            }
            array.members.push_back(*name);
            member_marks_[identity] = {member_path, member.mark, device};
          }
        } else {
          unknown_key(field_path, field->key.mark, key, {"level", "devices"});
        }
      }
      if (!has_level) error(item_path, entry->key.mark, "missing required key \"level\"");
      if (!has_devices) error(item_path, entry->key.mark, "missing required key \"devices\"");
      if (!ok || !has_level || !has_devices) continue;
      auto level = std::find_if(std::begin(kRaidLevels), std::end(kRaidLevels), [&](const RaidLevel& l) { return l.level == array.level; });
      if (array.members.size() < level->minimum_members) {
        error(item_path, entry->key.mark, strfmt("RAID %d needs at least %zu devices, %zu given", array.level, level->minimum_members, array.members.size()));
        continue;
      }
      config.raid.push_back(std::move(array));
    }
  }

  void read_mounts(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping of mount targets to their settings")) return;
    for (const auto& [target, entry] : entries(node, path)) {
      std::string item_path = path_key(path, target);
      MountSpec mount;
      mount.target = target;
      mount.mark = entry->key.mark;
      bool target_ok = target.size() > 1 && target[0] == '/' && target.back() != '/' && !has_control_or_space(target);
      for (const auto& part : split(target.substr(target.empty() ? 0 : 1), '/')) {
        if (part.empty() || part == "." || part == "..") target_ok = false;
      }
      if (!target_ok) {
        error(item_path, entry->key.mark, "expected an absolute, clean path such as /data (no '.', '..', '//' or trailing '/'; not /), got " + quote(target));
        continue;
      }
      if (!expect_mapping(entry->value, item_path, "a mapping with partition, filesystem, erase_on_boot and options")) continue;
      bool ok = true, has_partition = false;
      Mark partition_mark = entry->key.mark;
      std::string partition_path;
      for (const auto& [key, field] : entries(entry->value, item_path)) {
        std::string field_path = path_key(item_path, key);
        if (key == "partition") {
          has_partition = true;
          partition_mark = field->value.mark;
          partition_path = field_path;
          auto value = nonempty_text(field->value, field_path, "a device path or none");
          if (!value || (*value != "none" && !device_path(*value, field->value, field_path))) {
            ok = false;
            continue;
          }
          mount.partition = *value;
        } else if (key == "erase_on_boot") {
          auto value = boolean(field->value, field_path);
          if (!value) ok = false;
          else mount.erase_on_boot = *value;
        } else if (key == "filesystem") {
          auto value = nonempty_text(field->value, field_path, "a filesystem type");
          if (!value) {
            ok = false;
          } else if (std::find(kFilesystems.begin(), kFilesystems.end(), *value) == kFilesystems.end()) {
            std::string message = "unsupported filesystem " + quote(*value) + " (ext2, ext3, ext4, xfs, btrfs or tmpfs)";
            std::string suggestion = closest_match(*value, kFilesystems);
            if (!suggestion.empty()) message += "; did you mean " + quote(suggestion) + "?";
            error(field_path, field->value.mark, message);
            ok = false;
          } else {
            mount.filesystem = *value;
          }
        } else if (key == "options") {
          auto value = nonempty_text(field->value, field_path, "mount options such as noatime,nodiratime");
          if (!value) {
            ok = false;
            continue;
          }
          std::vector<std::string> options;
          for (const auto& option : split(*value, ',')) {
            std::string_view trimmed = trim(option);
            if (trimmed.empty() || has_control_or_space(trimmed)) {
              error(field_path, field->value.mark, "expected comma-separated mount options without spaces, got " + quote(*value));
              ok = false;
              break;
            }
            options.emplace_back(trimmed);
          }
          mount.options = join(options, ",");
        } else {
          unknown_key(field_path, field->key.mark, key, {"partition", "erase_on_boot", "filesystem", "options"});
        }
      }
      if (!has_partition) {
        error(item_path, entry->key.mark, "missing required key \"partition\" (a device, or none for tmpfs)");
        continue;
      }
      if (!ok) continue;
      if (mount.filesystem == "tmpfs" && mount.partition != "none") {
        error(partition_path, partition_mark, "a tmpfs mount has no device: write partition: none");
        continue;
      }
      if (mount.partition == "none" && mount.filesystem != "tmpfs") {
        error(partition_path, partition_mark, "partition: none is only for filesystem: tmpfs");
        continue;
      }
      mount_partition_marks_.push_back({partition_path, partition_mark});
      config.mounts.push_back(std::move(mount));
    }
  }

  void read_notify(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping with stack and resource")) return;
    NotifyCfn notify;
    notify.mark = node.mark;
    for (const auto& [key, entry] : entries(node, path)) {
      std::string item_path = path_key(path, key);
      if (key == "stack" || key == "resource") {
        auto value = nonempty_text(entry->value, item_path);
        if (!value) continue;
        if (has_control_or_space(*value) || value->size() > 255) {
          error(item_path, entry->value.mark, "expected a name without spaces, got " + entry->value.describe());
          continue;
        }
        (key == "stack" ? notify.stack : notify.resource) = *value;
      } else {
        unknown_key(item_path, entry->key.mark, key, {"stack", "resource"});
      }
    }
    if (notify.stack.empty() || notify.resource.empty()) {
      if (notify.stack.empty() && !has_child(node, "stack")) error(path, node.mark, "missing required key \"stack\"");
      if (notify.resource.empty() && !has_child(node, "resource")) error(path, node.mark, "missing required key \"resource\"");
      return;
    }
    config.notify_cfn = notify;
  }

  static bool has_child(const YamlNode& map, const std::string& key) {
    return std::any_of(map.entries.begin(), map.entries.end(), [&](const auto& e) { return e.key.is_scalar() && e.key.text == key; });
  }

  void read_ssh_ports(const YamlNode& node, const std::string& path, Config& config) {
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
      error(path, node.mark, "an empty list would lock everybody out; list at least one port (default 22)");
      return;
    }
    config.ssh_ports.clear();
    for (size_t i = 0; i < items.size(); ++i) {
      auto value = port(*items[i], paths[i]);
      if (!value) continue;
      if (std::find(config.ssh_ports.begin(), config.ssh_ports.end(), *value) != config.ssh_ports.end()) {
        error(paths[i], items[i]->mark, strfmt("port %u is listed twice", *value));
        continue;
      }
      config.ssh_ports.push_back(*value);
      ssh_marks_.push_back({paths[i], items[i]->mark});
    }
  }

  void read_mint_bucket(const YamlNode& node, const std::string& path, Config& config) {
    auto value = nonempty_text(node, path, "an S3 bucket name");
    if (!value) return;
    const std::string& b = *value;
    bool ok = b.size() >= 3 && b.size() <= 63 && b.front() != '.' && b.front() != '-' && b.back() != '.' && b.back() != '-' &&
              b.find("..") == std::string::npos &&
              std::all_of(b.begin(), b.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; });
    if (!ok) {
      error(path, node.mark, "not a valid S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-'), got " + node.describe());
      return;
    }
    config.mint_bucket = b;
  }

  void optional_boolean(const YamlNode& node, const std::string& path, bool& out) {
    if (is_empty_value(node)) return;
    if (auto b = boolean(node, path)) out = *b;
  }

  // Docker's size notation: a number of bytes, or a number with b, k, m or g (powers of 1024),
  // optionally followed by "b" or "ib" ("64m", "1g", "512MB", "2GiB").
  void read_shm_size(const YamlNode& node, const std::string& path, Config& config) {
    auto value = text(node, path, "a size such as 256m");
    if (!value) return;
    std::string lower = to_lower(trim(*value));
    size_t digits = 0;
    while (digits < lower.size() && lower[digits] >= '0' && lower[digits] <= '9') ++digits;
    std::string unit = lower.substr(digits);
    if (!unit.empty() && unit[0] == ' ') unit = unit.substr(1);
    int shift = -1;
    for (const auto& [letter, bits] : std::vector<std::pair<std::string, int>>{{"", 0}, {"b", 0}, {"k", 10}, {"m", 20}, {"g", 30}}) {
      if (unit == letter || (!letter.empty() && letter != "b" && (unit == letter + "b" || unit == letter + "ib"))) shift = bits;
    }
    auto number = parse_uint(lower.substr(0, digits));
    constexpr uint64_t kMax = uint64_t{1} << 40;
    if (digits == 0 || shift < 0 || !number || *number == 0 || *number > (kMax >> shift)) {
      error(path, node.mark, "expected a size from 1 byte to 1 TiB such as 64m, 1g or 268435456, got " + node.describe());
      return;
    }
    config.shm_size_bytes = static_cast<int64_t>(*number << shift);
  }

  // The legacy .dockercfg layout (registry: {auth: base64 of user:password, email: ...}), or the
  // same under "auths" as config.json has it. The auth text is a secret: no message quotes it.
  void read_dockercfg(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping of registry to {auth: base64 of user:password}")) return;
    const YamlNode* registries = &node;
    std::string registries_path = path;
    if (node.entries.size() == 1 && node.entries[0].key.is_scalar() && node.entries[0].key.text == "auths") {
      registries = &node.entries[0].value;
      registries_path = path_key(path, "auths");
      if (!expect_mapping(*registries, registries_path, "a mapping of registry to {auth: base64 of user:password}")) return;
    }
    for (const auto& [server, entry] : entries(*registries, registries_path)) {
      std::string item_path = path_key(registries_path, server);
      if (server.empty() || has_control_or_space(server) || server.size() > 255) {
        error(item_path, entry->key.mark, "expected a registry such as registry.example.org or https://registry.example.org");
        continue;
      }
      if (!entry->value.is_mapping()) {
        error(item_path, entry->value.mark, "expected a mapping with auth (base64 of user:password)");
        continue;
      }
      RegistryCredential credential{server, {}, entry->key.mark};
      bool has_auth = false;
      for (const auto& [field, value] : entries(entry->value, item_path)) {
        std::string field_path = path_key(item_path, field);
        if (field == "auth") {
          has_auth = true;
          if (!value->value.is_scalar() || value->value.is_null() || trim(value->value.text).empty()) {
            error(field_path, value->value.mark, "expected base64 of user:password");
            continue;
          }
          auto decoded = base64_decode(trim(value->value.text));
          size_t colon = decoded ? decoded->find(':') : std::string::npos;
          if (!decoded || colon == std::string::npos || colon == 0) {
            error(field_path, value->value.mark, "the value is not base64 of user:password (it is not shown here: it is a secret)");
            continue;
          }
          credential.auth = std::string(trim(value->value.text));
        } else if (field == "email") {
          continue;  // the old Docker CLI's field; registries ignore it
        } else {
          unknown_key(field_path, value->key.mark, field, {"auth", "email"});
        }
      }
      if (!has_auth) {
        error(item_path, entry->key.mark, "missing required key \"auth\" (base64 of user:password)");
        continue;
      }
      if (!credential.auth.empty()) config.dockercfg.push_back(std::move(credential));
    }
  }

  // "eu" sends to Scalyr's EU upload server, "us" (as unset) to the agent's default, in any case;
  // anything else is an error rather than logs quietly sent to another continent.
  void read_scalyr_region(const YamlNode& node, const std::string& path, Config& config) {
    auto value = text(node, path, "eu or us");
    if (!value) return;
    std::string lower = to_lower(trim(*value));
    if (lower == "eu") {
      config.scalyr_region = ScalyrRegion::Eu;
    } else if (lower == "us") {
      config.scalyr_region = ScalyrRegion::Us;
    } else {
      error(path, node.mark, "unknown Scalyr region " + quote(*value) + "; eu (upload.eu.scalyr.com) or us (agent.scalyr.com)");
    }
  }

  // logrotate's size notation, checked here so that logrotate never meets a policy it refuses:
  // bytes, or a number with k, M or G (any case; written as logrotate spells them).
  void read_logrotate_size(const YamlNode& node, const std::string& path, Config& config) {
    auto value = text(node, path, "a size such as 256M");
    std::string t = value ? std::string(trim(*value)) : std::string();
    size_t digits = 0;
    while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
    std::string unit = t.substr(digits);
    auto number = parse_uint(t.substr(0, digits));
    std::string spelled = unit.empty() ? "" : unit == "k" || unit == "K" ? "k" : unit == "m" || unit == "M" ? "M" : unit == "g" || unit == "G" ? "G" : "?";
    if (!value || digits == 0 || digits > 12 || !number || *number == 0 || spelled == "?") {
      if (value) error(path, node.mark, "expected a size such as 256M, 100k, 1G or 1048576 (bytes), got " + node.describe());
      return;
    }
    config.application_logrotate.size = std::to_string(*number) + spelled;
  }

  void read_logrotate_interval(const YamlNode& node, const std::string& path, Config& config) {
    static const std::vector<std::string> kIntervals = {"hourly", "daily", "weekly", "monthly", "yearly"};
    auto value = text(node, path, "hourly, daily, weekly, monthly or yearly");
    if (!value) return;
    std::string lower = to_lower(trim(*value));
    if (std::find(kIntervals.begin(), kIntervals.end(), lower) != kIntervals.end()) {
      config.application_logrotate.interval = lower;
      return;
    }
    std::string message = "unknown rotation interval " + quote(*value) + "; one of hourly, daily, weekly, monthly, yearly";
    std::string suggestion = closest_match(lower, kIntervals);
    if (!suggestion.empty()) message += " (did you mean " + quote(suggestion) + "?)";
    error(path, node.mark, message);
  }

  // A count; quoted digits too, since the original read every value as text.
  void read_logrotate_rotate(const YamlNode& node, const std::string& path, Config& config) {
    auto number = node.is_scalar() ? parse_uint(trim(node.text)) : std::nullopt;
    if (!number || *number > 1000) {
      error(path, node.mark, "expected how many rotated files to keep, 0 to 1000, got " + node.describe());
      return;
    }
    config.application_logrotate.rotate = static_cast<int>(*number);
  }

  void read_shutdown(const YamlNode& node, const std::string& path, Config& config) {
    auto value = text(node, path, "never, on-exit or on-success");
    if (!value) return;
    if (*value == "never") {
      config.shutdown = ShutdownWhen::Never;
    } else if (*value == "on-exit") {
      config.shutdown = ShutdownWhen::OnExit;
    } else if (*value == "on-success") {
      config.shutdown = ShutdownWhen::OnSuccess;
    } else {
      std::string message = "unknown shutdown " + quote(*value) + "; one of never, on-exit, on-success";
      std::string suggestion = closest_match(*value, {"never", "on-exit", "on-success"});
      if (!suggestion.empty()) message += " (did you mean " + quote(suggestion) + "?)";
      error(path, node.mark, message);
    }
  }

  void read_sysctl(const YamlNode& node, const std::string& path, Config& config) {
    if (!expect_mapping(node, path, "a mapping of kernel setting to value, such as net.core.somaxconn: 4096")) return;
    for (const auto& [key, entry] : entries(node, path)) {
      std::string item_path = path_key(path, key);
      if (std::string problem = sysctl_key_problem(key); !problem.empty()) {
        error(item_path, entry->key.mark, quote(key) + " cannot be set: " + problem);
        continue;
      }
      const YamlNode& value = entry->value;
      if (!value.is_scalar() || value.is_null()) {
        error(item_path, value.mark, "expected a value such as 4096 or \"4096 87380 6291456\", got " + value.describe());
        continue;
      }
      if (std::string problem = sysctl_value_problem(value.text); !problem.empty()) {
        error(item_path, value.mark, problem);
        continue;
      }
      config.sysctl.push_back({key, value.text, entry->key.mark});
    }
  }

  // Checks that span several keys.
  void cross_checks(Config& config) {
    const auto container_mode = config.networking.mode == NetworkMode::Container;
    if (container_mode) {
      if (!config.ports.empty()) {
        error("$.ports", config.key_marks["ports"], "ports cannot be published with networking: " + config.networking.text() +
                                                       " (the container uses the other container's network; Docker refuses it)");
      }
      if (!config.hostname.empty()) {
        error("$.hostname", config.key_marks["hostname"], "hostname cannot be set with networking: " + config.networking.text() + " (Docker refuses it)");
      }
    }
    if (config.networking.mode == NetworkMode::Host && !config.hostname.empty()) {
      warn("$.hostname", config.key_marks["hostname"], "with networking: host the container shares the instance's host name; hostname is ignored");
      config.hostname.clear();
    }

    // ssh_ports and the TCP host ports of `ports` share the host's TCP port space; the default
    // ssh_ports [22] too, although it was not written.
    if (ssh_marks_.empty()) {
      for (const auto& p : config.ports) {
        for (uint16_t ssh : config.ssh_ports) {
          if (p.protocol == Protocol::Tcp && p.host_port == ssh) {
            error(strfmt("$.ports.\"%u\"", p.host_port), p.mark,
                  strfmt("TCP port %u is sshd's (ssh_ports defaults to [22]); publish the container on another host port, "
                         "or move sshd with ssh_ports", p.host_port));
          }
        }
      }
    }
    for (size_t i = 0; i < config.ssh_ports.size() && i < ssh_marks_.size(); ++i) {
      for (const auto& p : config.ports) {
        if (p.protocol == Protocol::Tcp && p.host_port == config.ssh_ports[i]) {
          error(ssh_marks_[i].first, ssh_marks_[i].second,
                strfmt("sshd cannot listen on TCP port %u: ports maps it to the container at line %d", p.host_port, p.mark.line));
        }
      }
    }

    // The health check: the port defaults to the lowest TCP host port.
    if (health_port_) {
      config.health_check_port = health_port_;
    } else {
      for (const auto& p : config.ports) {
        if (p.protocol == Protocol::Tcp && (!config.health_check_port || p.host_port < *config.health_check_port)) config.health_check_port = p.host_port;
      }
    }
    if (!config.health_check_path.empty()) {
      Mark mark = config.key_marks["health_check_path"];
      if (config.networking.mode == NetworkMode::None) {
        error("$.health_check_path", mark, "with networking: none nothing can reach the container; remove health_check_path");
      } else if (!config.health_check_port) {
        error("$.health_check_path", mark, "an HTTP health check needs a port: set health_check_port or map a TCP port in ports");
      } else if (config.networking.mode == NetworkMode::Bridge && health_port_) {
        bool published = std::any_of(config.ports.begin(), config.ports.end(), [&](const PortMapping& p) {
          return p.protocol == Protocol::Tcp && p.host_port == *health_port_;
        });
        if (!published) {
          error("$.health_check_port", health_port_mark_, strfmt("TCP port %u is not a host port in ports, so the health check could not reach the container", *health_port_));
        }
      }
    } else if (health_port_) {
      warn("$.health_check_port", health_port_mark_, "health_check_port without health_check_path does nothing: no HTTP health check is made");
    }

    // Storage: RAID devices, their members and the mounts must fit together.
    std::set<std::string> mounted;
    for (size_t i = 0; i < config.mounts.size(); ++i) {
      const auto& mount = config.mounts[i];
      const auto& [path, mark] = mount_partition_marks_[i];
      if (mount.partition == "none") continue;
      // An array written but invalid has its own error already; only a missing one is reported here.
      if (mount.partition.rfind("/dev/md/", 0) == 0 && !raid_devices_written_.count(mount.partition)) {
        error(path, mark, quote(mount.partition) + " is not defined in volumes.raid");
        continue;
      }
      std::string slot = ebs_slot(mount.partition);
      std::string identity = slot.empty() ? mount.partition : "slot:" + slot;
      auto member = member_marks_.find(identity);
      if (member != member_marks_.end()) {
        error(path, mark, quote(mount.partition) + strfmt(" is a member of RAID %s (line %d); mount the array instead", member->second.array.c_str(), member->second.mark.line));
        continue;
      }
      if (!mounted.insert(identity).second) {
        error(path, mark, quote(mount.partition) + " is mounted twice");
      }
    }
    std::map<std::string, std::string> member_owner;
    for (const auto& array : config.raid) {
      for (const auto& m : array.members) {
        std::string slot = ebs_slot(m);
        std::string identity = slot.empty() ? m : "slot:" + slot;
        auto [it, inserted] = member_owner.emplace(identity, array.device);
        if (!inserted) {
          const auto& info = member_marks_[identity];
          error(info.path, info.mark, quote(m) + " is already a member of " + it->second);
        }
      }
    }
  }

 private:
  struct MemberInfo {
    std::string path;
    Mark mark;
    std::string array;
  };

  const ReadOptions& options_;
  Diagnostics& diagnostics_;
  std::optional<uint16_t> health_port_;
  Mark health_port_mark_;
  std::vector<std::pair<std::string, Mark>> ssh_marks_;
  std::vector<std::pair<std::string, Mark>> mount_partition_marks_;
  std::map<std::string, MemberInfo> member_marks_;
  std::set<std::string> raid_devices_written_;
};

// The first line says what kind of user data this is; Taupage takes only its own.
bool check_header(std::string_view user_data, Diagnostics& diagnostics) {
  auto fail = [&](const std::string& message) {
    diagnostics.push_back({Diagnostic::Severity::Error, "$", Mark{1, 1}, message});
    return false;
  };
  const std::string accepted = "; Taupage accepts only user data whose first line is " + std::string(kUserDataHeader);
  if (user_data.empty()) return fail("the user data is empty" + accepted);
  if (user_data.size() >= 2 && static_cast<unsigned char>(user_data[0]) == 0x1f && static_cast<unsigned char>(user_data[1]) == 0x8b) {
    return fail("the user data is gzip-compressed" + accepted + ", uncompressed");
  }
  std::string_view first = user_data.substr(0, user_data.find('\n'));
  // Trailing blanks (and the \r of CRLF) are forgiven; the header itself must start the data.
  while (!first.empty() && (first.back() == ' ' || first.back() == '\t' || first.back() == '\r')) first.remove_suffix(1);
  if (first == kUserDataHeader) return true;
  if (first.rfind("#cloud-config", 0) == 0) return fail("this is cloud-init's #cloud-config" + accepted);
  if (first.rfind("#!", 0) == 0) return fail("this is a script (" + std::string(first.substr(0, 40)) + ")" + accepted);
  if (first.rfind("Content-Type:", 0) == 0 || first.rfind("MIME-Version:", 0) == 0) return fail("this is a MIME multi-part archive" + accepted);
  bool printable = std::all_of(first.begin(), first.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 || c == '\t'; });
  if (!printable) return fail("the user data is binary, not text" + accepted);
  return fail("the first line is " + quote(first.substr(0, 60)) + accepted);
}

}  // namespace

ConfigRead read_config(std::string_view user_data, const ReadOptions& options) {
  ConfigRead result;
  YamlLimits limits;
  if (user_data.size() > limits.max_bytes) {
    result.diagnostics.push_back({Diagnostic::Severity::Error, "$", Mark{},
                                  strfmt("the user data is %zu bytes; EC2 allows at most %zu", user_data.size(), limits.max_bytes)});
    return result;
  }
  if (!check_header(user_data, result.diagnostics)) return result;
  YamlParse parsed = parse_yaml(user_data, limits);
  if (!parsed.ok) {
    result.diagnostics.push_back(parsed.failure);
    return result;
  }
  Config config;
  Validator validator(options, result.diagnostics);
  if (parsed.root.is_null()) {
    result.diagnostics.push_back({Diagnostic::Severity::Error, "$", Mark{1, 1}, "the user data has no options after its header line"});
    return result;
  }
  validator.read(parsed.root, config);
  config.user_data = std::string(user_data);
  result.notify_cfn = config.notify_cfn;
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.mark.line != b.mark.line ? a.mark.line < b.mark.line : a.mark.column < b.mark.column;
  });
  if (!has_errors(result.diagnostics)) result.config = std::move(config);
  return result;
}

}  // namespace taupage
