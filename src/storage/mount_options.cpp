#include "storage/mount_options.h"

#include <sys/mount.h>

#include "util/strings.h"

namespace taupage {
namespace {

struct FlagName {
  const char* name;
  unsigned long set;    // bits turned on
  unsigned long clear;  // bits turned off
};

const FlagName kFlags[] = {
    {"ro", MS_RDONLY, 0},           {"rw", 0, MS_RDONLY},           {"nosuid", MS_NOSUID, 0},       {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},         {"dev", 0, MS_NODEV},           {"noexec", MS_NOEXEC, 0},       {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},    {"async", 0, MS_SYNCHRONOUS},   {"dirsync", MS_DIRSYNC, 0},     {"mand", MS_MANDLOCK, 0},
    {"nomand", 0, MS_MANDLOCK},     {"noatime", MS_NOATIME, 0},     {"atime", 0, MS_NOATIME},       {"nodiratime", MS_NODIRATIME, 0},
    {"diratime", 0, MS_NODIRATIME}, {"relatime", MS_RELATIME, 0},   {"norelatime", 0, MS_RELATIME}, {"strictatime", MS_STRICTATIME, 0},
    {"lazytime", MS_LAZYTIME, 0},   {"nolazytime", 0, MS_LAZYTIME}, {"silent", MS_SILENT, 0},       {"loud", 0, MS_SILENT},
};

}  // namespace

Result<MountOptions> split_mount_options(const std::string& text) {
  MountOptions out;
  for (const auto& raw : split(text, ',')) {
    std::string option(trim(raw));
    if (option.empty() || option == "defaults") continue;
    if (option.find_first_of(" \t\n") != std::string::npos) return Error("mount option " + quote(option) + " contains whitespace");
    bool is_flag = false;
    for (const auto& flag : kFlags) {
      if (option == flag.name) {
        out.flags = (out.flags | flag.set) & ~flag.clear;
        is_flag = true;
        break;
      }
    }
    if (option == "bind" || option == "rbind" || option == "remount" || option == "move") {
      return Error("mount option " + quote(option) + " is not allowed in mounts");
    }
    if (is_flag) continue;
    if (!out.data.empty()) out.data += ',';
    out.data += option;
  }
  return out;
}

}  // namespace taupage
