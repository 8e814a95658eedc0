#include "util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

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

namespace {

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// A name beside `path` that no one can have prepared: the pid, a counter and the clock, and the
// file is created with O_EXCL, so an existing file or symlink of that name is never opened.
std::string temporary_name(const std::string& path, unsigned attempt) {
  static unsigned counter = 0;
  struct timespec now {};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return strfmt("%s.tmp-taupage-%d-%u-%ld", path.c_str(), static_cast<int>(::getpid()), ++counter + attempt,
                static_cast<long>(now.tv_nsec));
}

Status fsync_folder(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error(errno_text(errno)).wrap("open folder " + folder);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return Error(errno_text(e)).wrap("fsync folder " + folder);
  return {};
}

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode, std::optional<FileOwner> owner) {
  std::string tmp;
  int fd = -1;
  for (unsigned attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    tmp = temporary_name(path, attempt);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
    if (fd < 0 && errno != EEXIST) return Error(errno_text(errno)).wrap("write " + path);
  }
  if (fd < 0) return Error("no unused temporary name beside it").wrap("write " + path);
  auto fail = [&](const char* what) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error(errno_text(e)).wrap(std::string(what) + " " + path);
  };
  // The umask may have narrowed the mode at creation; the file is ours (O_EXCL), so fchmod is safe.
  if (owner && ::fchown(fd, owner->uid, owner->gid) != 0) return fail("chown");
  if (::fchmod(fd, mode) != 0) return fail("chmod");
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("write");
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error(errno_text(e)).wrap("write " + path);
  }
  // rename() replaces the name itself: a symlink at `path` is replaced, never followed.
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error(errno_text(e)).wrap("rename into " + path);
  }
  if (auto synced = fsync_folder(parent_of(path)); !synced) return Error(synced.error()).wrap("write " + path);
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

Status refuse_symlinks(const std::string& path) {
  std::string partial;
  for (const auto& part : split(path, '/')) {
    if (part.empty()) continue;
    partial += "/" + part;
    struct stat st {};
    if (::lstat(partial.c_str(), &st) != 0) {
      if (errno == ENOENT) return {};
      return Error(errno_text(errno)).wrap("lstat " + partial);
    }
    if (S_ISLNK(st.st_mode)) return Error(partial + " is a symbolic link; it is not followed");
  }
  return {};
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string host_path(const std::string& root, const std::string& path) {
  std::string base = root;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + path;
}

}  // namespace taupage
