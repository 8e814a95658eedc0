#include "host/credentials_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "util/files.h"
#include "util/strings.h"

namespace taupage {

namespace {

// The current content of a regular file, or nullopt when there is none (missing, a symlink,
// not a regular file): then it is replaced.
std::optional<std::string> current_content(const std::string& path, struct stat& st) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> content;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= 4 * 1024 * 1024) {
    auto read = read_fd(fd, 4 * 1024 * 1024);
    if (read) content = std::move(*read);
  }
  ::close(fd);
  return content;
}

}  // namespace

Status CredentialsFolder::prepare() const {
  if (auto safe = refuse_symlinks(path_); !safe) return std::move(safe).error();
  // The folder above (/meta) is the meta step's (root:999, 0750); made here only when that step
  // did not run before (`--only credentials`, `taupage credentials`).
  if (size_t slash = path_.rfind('/'); slash != std::string::npos && slash > 0) {
    if (auto made = make_dirs(path_.substr(0, slash), 0755); !made) return std::move(made).error();
  }
  if (auto made = make_dirs(path_, kCredentialsFolderMode); !made) return std::move(made).error();
  int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Error(errno_text(errno)).wrap("open " + path_);
  struct stat st {};
  Status result;
  if (::fstat(fd, &st) != 0) {
    result = Error(errno_text(errno)).wrap("stat " + path_);
  } else if ((st.st_uid != 0 || st.st_gid != gid_) && ::fchown(fd, 0, gid_) != 0) {
    result = Error(errno_text(errno)).wrap(strfmt("chown %s to 0:%u", path_.c_str(), static_cast<unsigned>(gid_)));
  } else if ((st.st_mode & 07777) != kCredentialsFolderMode && ::fchmod(fd, kCredentialsFolderMode) != 0) {
    result = Error(errno_text(errno)).wrap("chmod " + path_);
  }
  ::close(fd);
  return result;
}

Result<CredentialWrite> CredentialsFolder::put(const std::string& name, const Secret& content) const {
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') return Error("not a plain file name: " + quote(name));
  std::string path = path_ + "/" + name;
  struct stat st {};
  auto current = current_content(path, st);
  if (current && *current == content.reveal()) {
    Secret wipe_it(std::move(*current));
    if (st.st_uid == uid_ && st.st_gid == gid_ && (st.st_mode & 07777) == kCredentialFileMode) return CredentialWrite::Kept;
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return Error(errno_text(errno)).wrap("open " + path);
    bool ok = ::fchown(fd, uid_, gid_) == 0 && ::fchmod(fd, kCredentialFileMode) == 0;
    int e = errno;
    ::close(fd);
    if (!ok) return Error(errno_text(e)).wrap("set the owner and mode of " + path);
    return CredentialWrite::Kept;
  }
  bool existed = current.has_value() || ::access(path.c_str(), F_OK) == 0;
  if (current) Secret wipe_it(std::move(*current));
  if (auto written = write_file_atomic(path, content.reveal(), kCredentialFileMode, FileOwner{uid_, gid_}); !written)
    return std::move(written).error();
  return existed ? CredentialWrite::Changed : CredentialWrite::Created;
}

}  // namespace taupage
