#include "config/node_reader.h"

#include <algorithm>
#include <map>

#include "util/base64.h"
#include "util/strings.h"

namespace taupage {

bool is_empty_value(const YamlNode& node) { return node.is_null() || (node.is_scalar() && trim(node.text).empty()); }

bool is_false(const YamlNode& node) {
  return node.is_scalar() && node.plain && (node.text == "false" || node.text == "False" || node.text == "FALSE");
}

bool is_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool has_control_or_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string suggestion = closest_match(word, candidates);
  return suggestion.empty() ? "" : " (did you mean " + quote(suggestion) + "?)";
}

void NodeReader::error(const std::string& path, Mark mark, const std::string& message) {
  diagnostics_.push_back({Diagnostic::Severity::Error, path, mark, message});
}

void NodeReader::warn(const std::string& path, Mark mark, const std::string& message) {
  diagnostics_.push_back({Diagnostic::Severity::Warning, path, mark, message});
}

void NodeReader::ignored(const std::string& path, Mark mark, const std::string& message) {
  if (strict_) {
    error(path, mark, message);
  } else {
    warn(path, mark, message + "; ignored");
  }
}

void NodeReader::unknown_key(const std::string& path, Mark mark, const std::string& key, const std::vector<std::string>& known) {
  ignored(path, mark, "unknown key " + quote(key) + did_you_mean(key, known));
}

std::vector<std::pair<std::string, const YamlEntry*>> NodeReader::entries(const YamlNode& map, const std::string& path) {
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
      error(path_key(path, key), entry.key.mark,
            strfmt("duplicate key %s (first written at line %d)", quote(key).c_str(), it->second.line));
      continue;
    }
    out.emplace_back(key, &entry);
  }
  return out;
}

bool NodeReader::expect_mapping(const YamlNode& node, const std::string& path, const char* what) {
  if (node.is_mapping()) return true;
  error(path, node.mark, std::string("expected ") + what + ", got " + node.describe());
  return false;
}

std::optional<std::string> NodeReader::text(const YamlNode& node, const std::string& path, const char* what) {
  if (!node.is_scalar() || node.is_null()) {
    error(path, node.mark, std::string("expected ") + what + ", got " + node.describe());
    return std::nullopt;
  }
  return node.text;
}

std::optional<std::string> NodeReader::nonempty_text(const YamlNode& node, const std::string& path, const char* what) {
  auto value = text(node, path, what);
  if (value && trim(*value).empty()) {
    error(path, node.mark, "must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> NodeReader::boolean(const YamlNode& node, const std::string& path) {
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

void NodeReader::optional_boolean(const YamlNode& node, const std::string& path, bool& out) {
  if (is_empty_value(node)) return;
  if (auto b = boolean(node, path)) out = *b;
}

std::optional<int64_t> NodeReader::integer(const YamlNode& node, const std::string& path, int64_t min, int64_t max, const char* what) {
  if (node.is_scalar() && node.plain) {
    // Compared as unsigned first: a value beyond int64 must not wrap into the range.
    auto value = parse_uint(node.text);
    if (value && *value <= static_cast<uint64_t>(max) && static_cast<int64_t>(*value) >= min) return static_cast<int64_t>(*value);
  }
  error(path, node.mark,
        strfmt("expected %s from %lld to %lld, got %s", what, static_cast<long long>(min), static_cast<long long>(max),
               node.describe().c_str()));
  return std::nullopt;
}

std::optional<uint16_t> NodeReader::port(const YamlNode& node, const std::string& path) {
  auto value = integer(node, path, 1, 65535, "a port number");
  if (!value) return std::nullopt;
  return static_cast<uint16_t>(*value);
}

bool NodeReader::port_spec(const YamlNode& node, const std::string& path, uint16_t* port_out, std::optional<Protocol>* protocol_out) {
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
    std::string suggestion = did_you_mean(protocol, {"tcp", "udp"});
    error(path, node.mark, "unknown protocol " + quote(protocol) + (suggestion.empty() ? " (tcp or udp)" : suggestion));
    return false;
  }
  return true;
}

bool NodeReader::check_kms(const std::string& value, const YamlNode& node, const std::string& path) {
  std::string ciphertext = value.substr(kKmsPrefix.size());
  std::string problem = base64_problem(ciphertext);
  if (problem.empty()) return true;
  std::string shown = ciphertext.size() > 24 ? ciphertext.substr(0, 24) + "..." : ciphertext;
  error(path, node.mark,
        "the aws:kms: value is not valid base64 (" + problem + "); it starts " + quote(shown) +
            "; paste the whole ciphertext that KMS Encrypt returned");
  return false;
}

std::optional<MaybeEncrypted> NodeReader::maybe_encrypted(const YamlNode& node, const std::string& path) {
  auto value = nonempty_text(node, path);
  if (!value) return std::nullopt;
  MaybeEncrypted out{*value, value->rfind(kKmsPrefix, 0) == 0, {}, node.mark};
  if (out.encrypted && !check_kms(*value, node, path)) return std::nullopt;
  if (out.encrypted) out.ciphertext = value->substr(kKmsPrefix.size());
  return out;
}

}  // namespace taupage
