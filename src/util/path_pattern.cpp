#include "util/path_pattern.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "util/strings.h"

namespace taupage {

namespace {

bool has_wildcard(std::string_view component) { return component.find_first_of("*?[") != std::string_view::npos; }

// The token at `p` (anything but '*') against one character; `next` is where the token ends. A
// '[' without its ']' is a plain character, as in glob.
bool token_matches(std::string_view pattern, size_t p, char ch, size_t& next) {
  if (pattern[p] == '?') {
    next = p + 1;
    return true;
  }
  if (pattern[p] == '[') {
    size_t i = p + 1;
    bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
    if (negate) ++i;
    size_t first = i;
    bool found = false;
    while (i < pattern.size() && (pattern[i] != ']' || i == first)) {
      char low = pattern[i], high = low;
      if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
        high = pattern[i + 2];
        i += 3;
      } else {
        ++i;
      }
      found = found || (low <= ch && ch <= high);
    }
    if (i < pattern.size()) {
      next = i + 1;
      return found != negate;
    }
  }
  next = p + 1;
  return pattern[p] == ch;
}

}  // namespace

bool name_matches(std::string_view pattern, std::string_view name) {
  if (!name.empty() && name[0] == '.' && (pattern.empty() || pattern[0] != '.')) return false;
  size_t p = 0, n = 0, star = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    size_t next = 0;
    if (p < pattern.size() && pattern[p] == '*') {
      star = ++p;
      star_n = n;
    } else if (p < pattern.size() && token_matches(pattern, p, name[n], next)) {
      p = next;
      ++n;
    } else if (star != std::string_view::npos) {
      // The last '*' takes one more character, and the rest is tried again after it.
      p = star;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> paths_matching(const std::string& pattern) {
  bool absolute = !pattern.empty() && pattern[0] == '/';
  std::vector<std::string> paths = {absolute ? "/" : ""};
  for (const auto& component : split(pattern, '/')) {
    if (component.empty()) continue;
    std::vector<std::string> longer;
    for (const auto& folder : paths) {
      std::string prefix = folder.empty() || folder == "/" ? folder : folder + "/";
      if (!has_wildcard(component)) {
        longer.push_back(prefix + component);
        continue;
      }
      DIR* dir = ::opendir(folder.empty() ? "." : folder.c_str());
      if (!dir) continue;
      std::vector<std::string> names;
      while (const dirent* entry = ::readdir(dir)) {
        std::string_view name = entry->d_name;
        if (name != "." && name != ".." && name_matches(component, name)) names.emplace_back(name);
      }
      ::closedir(dir);
      std::sort(names.begin(), names.end());
      for (const auto& name : names) longer.push_back(prefix + name);
    }
    paths = std::move(longer);
  }
  struct stat st {};
  std::erase_if(paths, [&](const std::string& path) { return path.empty() || ::lstat(path.c_str(), &st) != 0; });
  return paths;
}

}  // namespace taupage
