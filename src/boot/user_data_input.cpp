#include "boot/user_data_input.h"

#include "util/files.h"

namespace taupage {

Result<std::string> read_user_data_input(const std::string& path) {
  constexpr size_t kReadLimit = 1024 * 1024;
  if (path == "-") {
    auto content = read_fd(0, kReadLimit);
    if (!content) return Error(content.error()).wrap("read standard input");
    return content;
  }
  return read_file(path, kReadLimit);
}

}  // namespace taupage
