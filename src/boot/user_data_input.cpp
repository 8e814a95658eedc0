#include "boot/user_data_input.h"

#include "util/files.h"

namespace taupage {

Result<std::string> read_user_data_input(const std::string& path) {
  constexpr size_t kReadLimit = 1024 * 1024;
  auto content = path == "-" ? read_fd(0, kReadLimit) : read_file(path, kReadLimit);
  if (!content) {
    std::string name = path == "-" ? "standard input" : path;
    bool too_large = content.error().message().find("larger than") != std::string::npos;
    return Error(content.error()).wrap("cannot read user data from " + name + (too_large ? " (EC2 user data is at most 16 KiB)" : ""));
  }
  return content;
}

}  // namespace taupage
