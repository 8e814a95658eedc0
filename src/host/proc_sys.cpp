#include "host/proc_sys.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/files.h"

namespace taupage {

std::string proc_sys_path(const std::string& proc_sys, std::string_view key) {
  std::string path = proc_sys + "/";
  for (char c : key) path += c == '.' ? '/' : c;
  return path;
}

std::string normalize_sysctl_value(std::string_view value) {
  std::string out;
  bool gap = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n') {
      gap = !out.empty();
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

Result<std::string> read_proc_sys(const std::string& path) {
  auto text = read_file(path, 64 * 1024);
  if (!text) return text.error();
  return normalize_sysctl_value(*text);
}

Status write_proc_sys(const std::string& path, std::string_view value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Error(errno_text(errno)).wrap("open " + path);
  std::string line = std::string(value) + "\n";
  ssize_t n = ::write(fd, line.data(), line.size());
  int e = errno;
  ::close(fd);
  // The kernel takes a value in one write; a short write or EINVAL means it refused it.
  if (n < 0) return Error(errno_text(e)).wrap("write " + path);
  if (static_cast<size_t>(n) != line.size()) return Error("the kernel took only part of the value").wrap("write " + path);
  return Status::Ok();
}

}  // namespace taupage
