#include "config/application_section.h"

#include <algorithm>
#include <map>

#include "config/capabilities.h"
#include "util/base64.h"
#include "util/strings.h"

namespace taupage {
namespace {

void read_application_id(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  auto value = reader.nonempty_text(node, path);
  if (!value) return;
  bool ok = value->size() <= 128 && std::all_of(value->begin(), value->end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            });
  if (!ok) {
    reader.error(path, node.mark, "expected letters, digits, '-', '_' or '.' (at most 128), got " + node.describe());
    return;
  }
  config.application_id = *value;
}

void read_application_version(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  auto value = reader.nonempty_text(node, path);
  if (!value) return;
  if (has_control_or_space(*value) || value->size() > 128) {
    reader.error(path, node.mark, "expected a version without spaces (at most 128 characters), got " + node.describe());
    return;
  }
  config.application_version = *value;
}

void read_runtime(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  auto value = reader.nonempty_text(node, path);
  if (!value) return;
  if (to_lower(*value) != "docker") {
    reader.error(path, node.mark, "unsupported runtime " + quote(*value) + "; Taupage runs Docker images (runtime: Docker)");
    return;
  }
  config.runtime = "Docker";
}

void read_source(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  auto value = reader.nonempty_text(node, path, "an image reference");
  if (!value) return;
  std::string problem;
  if (!parse_image_reference(*value, &config.source, &problem)) reader.error(path, node.mark, problem);
}

void read_ports(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (!reader.expect_mapping(node, path, "a mapping of host port to container port")) return;
  std::map<std::pair<uint16_t, Protocol>, int> seen;
  for (const auto& [key, entry] : reader.entries(node, path)) {
    std::string item_path = path_key(path, key);
    uint16_t host = 0, container = 0;
    std::optional<Protocol> host_protocol, container_protocol;
    bool ok = reader.port_spec(entry->key, item_path, &host, &host_protocol);
    ok = reader.port_spec(entry->value, item_path, &container, &container_protocol) && ok;
    if (!ok) continue;
    if (host_protocol && container_protocol && *host_protocol != *container_protocol) {
      reader.error(item_path, entry->value.mark,
                   strfmt("the host side says %s and the container side says %s; a port mapping has one protocol",
                          protocol_name(*host_protocol), protocol_name(*container_protocol)));
      continue;
    }
    Protocol protocol = host_protocol ? *host_protocol : container_protocol ? *container_protocol : Protocol::Tcp;
    auto [it, inserted] = seen.emplace(std::make_pair(host, protocol), entry->key.mark.line);
    if (!inserted) {
      reader.error(item_path, entry->key.mark,
                   strfmt("host port %u/%s is already mapped at line %d", host, protocol_name(protocol), it->second));
      continue;
    }
    PortMapping mapping{host, container, protocol, entry->key.mark};
    config.provenance.record(mapping.address(), Origin{item_path, entry->key.mark, entry->value.mark, false});
    config.ports.push_back(mapping);
  }
}

void read_health_check_port(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  // Written but refused, it stays unset: the cross-checks then know it was not usable.
  config.health_check_port = reader.port(node, path);
}

void read_health_check_path(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  auto value = reader.nonempty_text(node, path, "a URL path");
  if (!value) return;
  if ((*value)[0] != '/' || has_control_or_space(*value)) {
    reader.error(path, node.mark, "expected a URL path starting with '/', without spaces, got " + node.describe());
    return;
  }
  config.health_check_path = *value;
}

void read_health_check_timeout(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (auto v = reader.integer(node, path, 1, 86400, "a number of seconds")) config.health_check_timeout_seconds = static_cast<int>(*v);
}

void read_environment(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (!reader.expect_mapping(node, path, "a mapping of variable names to values")) return;
  for (const auto& [name, entry] : reader.entries(node, path)) {
    std::string item_path = path_key(path, name);
    config.provenance.written(item_path, entry->key.mark, entry->value.mark);
    if (!is_identifier(name)) {
      reader.error(item_path, entry->key.mark,
                   "invalid variable name " + quote(name) + " (letters, digits and '_', not starting with a digit)");
      continue;
    }
    if (name == "APPLICATION_ID" || name == "APPLICATION_VERSION" || name == "CREDENTIALS_DIR") {
      reader.warn(item_path, entry->key.mark,
                  name + " is set by Taupage (from application_id, application_version and the credentials folder); this value is ignored");
      continue;
    }
    const YamlNode& value = entry->value;
    if (!value.is_scalar()) {
      reader.error(item_path, value.mark, "expected a value, got " + value.describe() + "; quote it to pass text");
      continue;
    }
    if (value.is_null()) {
      reader.error(item_path, value.mark, "the value is null; write \"\" for an empty value, or remove the variable");
      continue;
    }
    EnvironmentVariable var{{value.text, false, {}, value.mark}, name};
    if (value.text.rfind(kKmsPrefix, 0) == 0) {
      var.encrypted = true;
      var.ciphertext = value.text.substr(kKmsPrefix.size());
      if (!reader.check_kms(value.text, value, item_path)) continue;
    }
    config.environment.push_back(std::move(var));
  }
}

void read_capabilities(NodeReader& reader, const YamlNode& node, const std::string& path, std::vector<std::string>& out,
                       Provenance& provenance) {
  if (!node.is_sequence()) {
    reader.error(path, node.mark, "expected a list of capability names, got " + node.describe());
    return;
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    std::string item_path = path_index(path, i);
    const YamlNode& item = node.items[i];
    auto name = reader.nonempty_text(item, item_path, "a capability name");
    if (!name) continue;
    std::string normalized = normalize_capability(*name);
    if (normalized.empty()) {
      std::string bare = name->rfind("CAP_", 0) == 0 ? name->substr(4) : *name;
      reader.error(item_path, item.mark, "unknown capability " + quote(*name) + did_you_mean(bare, capability_names()));
      continue;
    }
    if (std::find(out.begin(), out.end(), normalized) != out.end()) {
      reader.warn(item_path, item.mark, quote(normalized) + " is listed twice");
      continue;
    }
    provenance.record(path_index(path, out.size()), Origin{item_path, item.mark, item.mark, false});
    out.push_back(normalized);
  }
}

void read_hostname(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  auto value = reader.nonempty_text(node, path, "a host name");
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
    reader.error(path, node.mark,
                 "not a valid host name (RFC 1123: labels of letters, digits and '-', at most 64 characters), got " + node.describe());
    return;
  }
  config.hostname = *value;
}

void read_networking(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  auto value = reader.nonempty_text(node, path);
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
    reader.error(path, node.mark,
                 "unknown networking " + quote(*value) + "; one of bridge, host, none, container:NAME" +
                     did_you_mean(*value, {"bridge", "host", "none"}));
  }
}

// Docker's size notation: a number of bytes, or a number with b, k, m or g (powers of 1024),
// optionally followed by "b" or "ib" ("64m", "1g", "512MB", "2GiB").
void read_shm_size(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node) || is_false(node)) return;
  auto value = reader.text(node, path, "a size such as 256m");
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
    reader.error(path, node.mark, "expected a size from 1 byte to 1 TiB such as 64m, 1g or 268435456, got " + node.describe());
    return;
  }
  config.shm_size_bytes = static_cast<int64_t>(*number << shift);
}

// The legacy .dockercfg layout (registry: {auth: base64 of user:password, email: ...}), or the
// same under "auths" as config.json has it. The auth text is a secret: no message quotes it.
void read_dockercfg(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (is_empty_value(node) || is_false(node)) return;
  if (!reader.expect_mapping(node, path, "a mapping of registry to {auth: base64 of user:password}")) return;
  const YamlNode* registries = &node;
  std::string registries_path = path;
  if (node.entries.size() == 1 && node.entries[0].key.is_scalar() && node.entries[0].key.text == "auths") {
    registries = &node.entries[0].value;
    registries_path = path_key(path, "auths");
    if (!reader.expect_mapping(*registries, registries_path, "a mapping of registry to {auth: base64 of user:password}")) return;
  }
  for (const auto& [server, entry] : reader.entries(*registries, registries_path)) {
    std::string item_path = path_key(registries_path, server);
    // Addressed without "auths": the Config has one list of registries whichever layout was written.
    config.provenance.record(path_key(path, server), Origin{item_path, entry->key.mark, entry->value.mark, false});
    if (server.empty() || has_control_or_space(server) || server.size() > 255) {
      reader.error(item_path, entry->key.mark, "expected a registry such as registry.example.org or https://registry.example.org");
      continue;
    }
    if (!entry->value.is_mapping()) {
      reader.error(item_path, entry->value.mark, "expected a mapping with auth (base64 of user:password)");
      continue;
    }
    RegistryCredential credential{server, {}, entry->key.mark};
    bool has_auth = false;
    for (const auto& [field, value] : reader.entries(entry->value, item_path)) {
      std::string field_path = path_key(item_path, field);
      if (field == "auth") {
        has_auth = true;
        if (!value->value.is_scalar() || value->value.is_null() || trim(value->value.text).empty()) {
          reader.error(field_path, value->value.mark, "expected base64 of user:password");
          continue;
        }
        auto decoded = base64_decode(trim(value->value.text));
        size_t colon = decoded ? decoded->find(':') : std::string::npos;
        if (!decoded || colon == std::string::npos || colon == 0) {
          reader.error(field_path, value->value.mark, "the value is not base64 of user:password (it is not shown here: it is a secret)");
          continue;
        }
        credential.auth = std::string(trim(value->value.text));
      } else if (field == "email") {
        continue;  // the old Docker CLI's field; registries ignore it
      } else {
        reader.unknown_key(field_path, value->key.mark, field, {"auth", "email"});
      }
    }
    if (!has_auth) {
      reader.error(item_path, entry->key.mark, "missing required key \"auth\" (base64 of user:password)");
      continue;
    }
    if (!credential.auth.empty()) config.dockercfg.push_back(std::move(credential));
  }
}

}  // namespace

const std::vector<TopLevelKey>& application_keys() {
  static const std::vector<TopLevelKey> keys = {
      {"application_id", read_application_id},
      {"application_version", read_application_version},
      {"runtime", read_runtime},
      {"source", read_source},
      {"ports", read_ports},
      {"health_check_port", read_health_check_port},
      {"health_check_path", read_health_check_path},
      {"health_check_timeout_seconds", read_health_check_timeout},
      {"environment", read_environment},
      {"capabilities_add", [](NodeReader& r, const YamlNode& n, const std::string& p,
                              Config& c) { read_capabilities(r, n, p, c.capabilities_add, c.provenance); }},
      {"capabilities_drop", [](NodeReader& r, const YamlNode& n, const std::string& p,
                               Config& c) { read_capabilities(r, n, p, c.capabilities_drop, c.provenance); }},
      {"hostname", read_hostname},
      {"networking", read_networking},
      {"root",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) {
         if (auto b = r.boolean(n, p)) c.root = *b;
       }},
      {"privileged",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) {
         if (auto b = r.boolean(n, p)) c.privileged = *b;
       }},
      // Options of the original for the container; empty (or false) means not set.
      {"read_only", [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) { r.optional_boolean(n, p, c.read_only); }},
      {"mount_var_log",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) { r.optional_boolean(n, p, c.mount_var_log); }},
      {"mount_custom_log",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) { r.optional_boolean(n, p, c.mount_custom_log); }},
      {"mount_certs", [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) { r.optional_boolean(n, p, c.mount_certs); }},
      {"docker_daemon_access",
       [](NodeReader& r, const YamlNode& n, const std::string& p, Config& c) { r.optional_boolean(n, p, c.docker_daemon_access); }},
      {"shm_size", read_shm_size},
      {"dockercfg", read_dockercfg},
  };
  return keys;
}

std::optional<uint16_t> default_health_check_port(const Config& config) {
  std::optional<uint16_t> lowest;
  for (const auto& p : config.ports) {
    if (p.protocol == Protocol::Tcp && (!lowest || p.host_port < *lowest)) lowest = p.host_port;
  }
  return lowest;
}

void finish_application(Config& config) {
  if (!config.health_check_port) config.health_check_port = default_health_check_port(config);
}

}  // namespace taupage
