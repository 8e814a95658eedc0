#include "config/diagnostic.h"

#include "util/strings.h"

namespace taupage {

std::string Diagnostic::render() const {
  std::string out = is_error() ? "error at " : "warning at ";
  out += path.empty() ? "$" : path;
  if (mark.line > 0) out += strfmt(", line %d col %d", mark.line, mark.column);
  out += ": ";
  out += message;
  return out;
}

bool has_errors(const Diagnostics& diagnostics) { return count_errors(diagnostics) > 0; }

size_t count_errors(const Diagnostics& diagnostics) {
  size_t n = 0;
  for (const auto& d : diagnostics) n += d.is_error() ? 1 : 0;
  return n;
}

std::string path_key(const std::string& parent, const std::string& key) {
  bool identifier = !key.empty() && !(key[0] >= '0' && key[0] <= '9');
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) identifier = false;
  }
  return parent + "." + (identifier ? key : quote(key));
}

std::string path_index(const std::string& parent, size_t index) { return parent + strfmt("[%zu]", index); }

}  // namespace taupage
