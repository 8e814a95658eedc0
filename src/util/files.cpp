#include "util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/log.h"
#include "util/strings.h"

namespace taupage {

std::string errno_text(int error_number) { return std::strerror(error_number); }

Result<std::string> read_fd(int fd, size_t max_bytes) {
  std::string out;
  char buffer[16384];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(errno_text(errno));
    }
    if (n == 0) return out;
    if (out.size() + static_cast<size_t>(n) > max_bytes) return Error(strfmt("larger than %zu bytes", max_bytes));
    out.append(buffer, static_cast<size_t>(n));
  }
}

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(errno_text(errno)).wrap("read " + path);
  auto content = read_fd(fd, max_bytes);
  ::close(fd);
  if (!content) return Error(content.error()).wrap("read " + path);
  return content;
}

Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  std::string tmp = path + ".tmp-taupage";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error(errno_text(errno)).wrap("write " + path);
  ::fchmod(fd, mode);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error(errno_text(e)).wrap("write " + path);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error(errno_text(e)).wrap("write " + path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error(errno_text(e)).wrap("rename into " + path);
  }
  return {};
}

Status make_dirs(const std::string& path, mode_t mode) {
  if (path.empty()) return {};
  std::string partial;
  for (const auto& part : split(path, '/')) {
    partial += part;
    if (!partial.empty() && ::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST) {
      return Error(errno_text(errno)).wrap("mkdir " + partial);
    }
    partial += '/';
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return Error("not a directory").wrap("mkdir " + path);
  return {};
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace taupage
