/// Reading and writing whole files, and making folders: the few file operations every layer uses.
/// Writes are atomic (a temporary file renamed into place), so a crash never leaves half a file.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "util/files.h"
#include "util/result.h"

namespace taupage {

// Reads a whole file; refuses one larger than max_bytes.
Result<std::string> read_file(const std::string& path, size_t max_bytes = 16 * 1024 * 1024);
// Reads all of a file descriptor (standard input, a pipe) up to max_bytes.
Result<std::string> read_fd(int fd, size_t max_bytes);
// The owner a new file gets before its first byte is written and before its name appears.
struct FileOwner {
  uid_t uid;
  gid_t gid;
};
// Writes beside `path` and renames over it: readers see the old file or the new, never half, and
// a symlink at `path` is replaced, never followed.
Status write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0644,
                         std::optional<FileOwner> owner = std::nullopt);
Status make_dirs(const std::string& path, mode_t mode = 0755);
bool path_exists(const std::string& path);
// The host path of `path` under `root` ("/" + "/meta" -> "/meta", "/tmp/r" + "/meta" -> "/tmp/r/meta").
std::string host_path(const std::string& root, const std::string& path);
// An error when a folder on the way to `path` (or `path` itself) is a symbolic link: where a
// mount or a file goes must not be chosen by whoever could write the folder it is in.
Status refuse_symlinks(const std::string& path);
// The error text of errno, as "No such file or directory".
std::string errno_text(int error_number);

}  // namespace taupage
