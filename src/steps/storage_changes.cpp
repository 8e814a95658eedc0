#include "steps/storage_changes.h"

#include "util/strings.h"

namespace taupage {

std::string refusal_after_changes(const std::vector<std::string>& changes, const std::string& reason) {
  if (changes.empty()) return reason;
  static const std::string kNothing = "nothing was changed";
  const std::string honest = "nothing more was changed (earlier in this run: " + join(changes, "; ") + ")";
  std::string out;
  size_t from = 0;
  for (size_t at = reason.find(kNothing); at != std::string::npos; at = reason.find(kNothing, from)) {
    out += reason.substr(from, at - from) + honest;
    from = at + kNothing.size();
  }
  return out + reason.substr(from);
}

}  // namespace taupage
