/// Mounting, through mount(2), and what is mounted where (from /proc/self/mountinfo), behind an
/// interface so the mounts step is tested with a double. Paths here are absolute on this host.
#pragma once

#include <optional>
#include <string>

#include "util/result.h"

namespace taupage {

struct MountEntry {
  std::string source;  // "/dev/md127", "tmpfs"
  std::string fstype;
  uint32_t major = 0;  // the st_dev of what is mounted (for block devices: the device)
  uint32_t minor = 0;
};

class Mounter {
 public:
  virtual ~Mounter() = default;
  // What is mounted exactly at `path` (the topmost mount), if anything.
  virtual Result<std::optional<MountEntry>> mounted_at(const std::string& path) = 0;
  virtual Status mount(const std::string& source, const std::string& target, const std::string& fstype, unsigned long flags,
                       const std::string& data) = 0;
  virtual Status make_dirs(const std::string& path) = 0;
  // Adds read, write and search for group and others to the mount's root (chmod g+rwx,o+rwx).
  virtual Status open_up(const std::string& path) = 0;
};

class RealMounter : public Mounter {
 public:
  explicit RealMounter(std::string mountinfo = "/proc/self/mountinfo") : mountinfo_(std::move(mountinfo)) {}
  Result<std::optional<MountEntry>> mounted_at(const std::string& path) override;
  Status mount(const std::string& source, const std::string& target, const std::string& fstype, unsigned long flags,
               const std::string& data) override;
  Status make_dirs(const std::string& path) override;
  Status open_up(const std::string& path) override;

 private:
  std::string mountinfo_;
};

// Parses mountinfo text for the last entry mounted at `path` (octal escapes such as \040 decoded).
std::optional<MountEntry> find_in_mountinfo(const std::string& text, const std::string& path);

}  // namespace taupage
