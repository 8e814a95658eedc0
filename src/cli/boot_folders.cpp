#include "cli/boot_folders.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "util/files.h"

namespace taupage {

Status check_root_folder(const std::string& root) {
  struct stat st {};
  if (::stat(root.c_str(), &st) != 0) return Error(errno_text(errno)).wrap("--root " + root);
  if (!S_ISDIR(st.st_mode)) return Error("--root " + root + " is not a folder");
  return {};
}

Status check_state_folder(const std::string& state_dir) {
  if (auto made = make_dirs(state_dir, 0700); !made) return Error(made.error()).wrap("--state-dir " + state_dir + " cannot be used");
  std::string probe = state_dir + "/.taupage-write-test";
  if (auto written = write_file_atomic(probe, "", 0600); !written) {
    return Error(written.error()).wrap("--state-dir " + state_dir + " cannot take the reports");
  }
  ::unlink(probe.c_str());
  return {};
}

}  // namespace taupage
