/// A finding about user data: an error (the config is refused) or a warning (it is accepted),
/// with the JSON-style path of the value, its line and column, and a message a person can act on:
///   error at $.ports."8600", line 12 col 9: unknown protocol "upd" (did you mean "udp"?)
#pragma once

#include <string>
#include <vector>

namespace taupage {

// A position in the user data, 1-based; 0 when unknown.
struct Mark {
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  std::string path;  // "$.mounts.\"/data\".partition"
  Mark mark;
  std::string message;

  bool is_error() const { return severity == Severity::Error; }
  std::string render() const;
};

using Diagnostics = std::vector<Diagnostic>;

bool has_errors(const Diagnostics& diagnostics);
size_t count_errors(const Diagnostics& diagnostics);

// Paths: "$" + ".key" for identifier keys, ".\"key\"" for others, "[i]" for sequence items.
std::string path_key(const std::string& parent, const std::string& key);
std::string path_index(const std::string& parent, size_t index);

}  // namespace taupage
