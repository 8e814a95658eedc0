#include "config/config_reader.h"

#include <algorithm>

#include "config/application_section.h"
#include "config/cross_checks.h"
#include "config/host_section.h"
#include "config/node_reader.h"
#include "config/original_options.h"
#include "config/storage_section.h"
#include "config/yaml_tree.h"
#include "util/strings.h"

namespace taupage {
namespace {

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
  if (first.rfind("Content-Type:", 0) == 0 || first.rfind("MIME-Version:", 0) == 0)
    return fail("this is a MIME multi-part archive" + accepted);
  bool printable = std::all_of(first.begin(), first.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20 || c == '\t'; });
  if (!printable) return fail("the user data is binary, not text" + accepted);
  return fail("the first line is " + quote(first.substr(0, 60)) + accepted);
}

// Every top-level key, each read by its section; then what spans sections, then the defaults
// that depend on other keys.
void read_document(NodeReader& reader, const YamlNode& root, Config& config) {
  if (!root.is_mapping()) {
    reader.error("$", root.mark, "user data must be a mapping of options (application_id: ..., source: ...), got " + root.describe());
    return;
  }
  std::vector<TopLevelKey> keys;
  for (const auto* section : {&application_keys(), &storage_keys(), &host_keys()})
    keys.insert(keys.end(), section->begin(), section->end());
  // A typo of an option of the original gets its suggestion like any other key.
  std::vector<std::string> suggestible;
  for (const auto& k : keys) suggestible.emplace_back(k.key);
  for (const auto& option : original_only_options()) suggestible.emplace_back(option.key);

  for (const auto& [key, entry] : reader.entries(root, "$")) {
    std::string path = path_key("$", key);
    const std::string& name = key;  // clang 14 cannot capture a structured binding in a lambda
    auto handler = std::find_if(keys.begin(), keys.end(), [&](const TopLevelKey& k) { return k.key == name; });
    if (handler != keys.end()) {
      config.provenance.written(path, entry->key.mark, entry->value.mark);
      handler->read(reader, entry->value, path, config);
    } else if (const OriginalOption* original = find_original_option(key)) {
      // Turned off or left empty, the option asks for nothing that is missing here.
      if (is_empty_value(entry->value) || is_false(entry->value)) continue;
      reader.ignored(path, entry->key.mark, quote(key) + " is an option of the original Taupage that is ignored here: " + original->why);
    } else {
      reader.unknown_key(path, entry->key.mark, key, suggestible);
    }
  }
  for (const char* required : {"application_id", "application_version", "runtime", "source"}) {
    if (!config.provenance.is_written(path_key("$", required)))
      reader.error("$", root.mark, std::string("missing required key ") + quote(required));
  }
  check_across_keys(reader, config);
  finish_application(config);
  finish_host(config);
  for (const auto& k : keys) config.provenance.defaulted(path_key("$", std::string(k.key)));
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
  NodeReader reader(options.strict, result.diagnostics);
  if (parsed.root.is_null()) {
    result.diagnostics.push_back({Diagnostic::Severity::Error, "$", Mark{1, 1}, "the user data has no options after its header line"});
    return result;
  }
  read_document(reader, parsed.root, config);
  config.user_data = std::string(user_data);
  result.notify_cfn = config.notify_cfn;
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.mark.line != b.mark.line ? a.mark.line < b.mark.line : a.mark.column < b.mark.column;
  });
  if (!has_errors(result.diagnostics)) result.config = std::move(config);
  return result;
}

}  // namespace taupage
