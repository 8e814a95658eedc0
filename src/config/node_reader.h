/// Typed reading of YAML nodes: strings, integers in a range, booleans, ports, mappings and
/// KMS values, each refusing what it cannot take with a diagnostic that names the path, line and
/// column. The sections of the config reader build on it, so a kind of value fails the same way everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/diagnostic.h"
#include "config/yaml_tree.h"

namespace taupage {

// null, "" or nothing at all: an optional key given no value.
bool is_empty_value(const YamlNode& node);
// The YAML boolean false (an option of the original turned off).
bool is_false(const YamlNode& node);
// A shell variable name: letters, digits and '_', not starting with a digit.
bool is_identifier(std::string_view s);
bool has_control_or_space(std::string_view s);

class NodeReader {
 public:
  NodeReader(bool strict, Diagnostics& diagnostics) : strict_(strict), diagnostics_(diagnostics) {}

  bool strict() const { return strict_; }
  void error(const std::string& path, Mark mark, const std::string& message);
  void warn(const std::string& path, Mark mark, const std::string& message);
  // An error under --strict, else a warning that ends "; ignored".
  void ignored(const std::string& path, Mark mark, const std::string& message);
  void unknown_key(const std::string& path, Mark mark, const std::string& key, const std::vector<std::string>& known);

  // A mapping's entries by key text; duplicate keys are errors (YAML forbids them, libyaml allows them).
  std::vector<std::pair<std::string, const YamlEntry*>> entries(const YamlNode& map, const std::string& path);
  bool expect_mapping(const YamlNode& node, const std::string& path, const char* what);

  // A scalar's text; null, mappings and lists are errors.
  std::optional<std::string> text(const YamlNode& node, const std::string& path, const char* what = "a string");
  std::optional<std::string> nonempty_text(const YamlNode& node, const std::string& path, const char* what = "a string");
  // Only the YAML booleans true and false; "false" in quotes is a string (the original wiped data on it).
  std::optional<bool> boolean(const YamlNode& node, const std::string& path);
  // Left empty: `out` keeps its default.
  void optional_boolean(const YamlNode& node, const std::string& path, bool& out);
  std::optional<int64_t> integer(const YamlNode& node, const std::string& path, int64_t min, int64_t max, const char* what);
  std::optional<uint16_t> port(const YamlNode& node, const std::string& path);
  // "8301", "8301/udp": the port and the protocol if one is written.
  bool port_spec(const YamlNode& node, const std::string& path, uint16_t* port_out, std::optional<Protocol>* protocol_out);
  // A value that may be "aws:kms:" + base64 ciphertext, whose base64 is checked here.
  std::optional<MaybeEncrypted> maybe_encrypted(const YamlNode& node, const std::string& path);
  bool check_kms(const std::string& value, const YamlNode& node, const std::string& path);

 private:
  bool strict_;
  Diagnostics& diagnostics_;
};

// " (did you mean \"x\"?)" when a candidate is close to `word`, else empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace taupage
