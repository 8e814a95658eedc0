/// The files a shell-style path pattern names (`*`, `?` and `[...]`, in any component), listed as
/// glob(3) lists them: sorted, hidden names only for a pattern that starts them with a dot, no
/// match no file (and never "." or "..", which glob gives for `.*`). Our own, because glibc's glob
/// brings its user database (NSS, dlopen) into the static binary: about 230 KB.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace taupage {

// One name (no '/') against one component of a pattern.
bool name_matches(std::string_view pattern, std::string_view name);

// The existing paths the pattern names, sorted name by name within each folder.
std::vector<std::string> paths_matching(const std::string& pattern);

}  // namespace taupage
