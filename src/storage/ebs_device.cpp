#include "storage/ebs_device.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "storage/block_devices.h"
#include "util/files.h"

namespace taupage {
namespace {

bool is_slot(std::string_view rest) {
  if (rest.empty() || rest.size() > 2) return false;
  for (char c : rest) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

std::optional<std::string> real_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return std::nullopt;
  return std::string(resolved);
}

}  // namespace

std::string ebs_slot_of(std::string_view device) {
  if (device.substr(0, 5) == "/dev/") device.remove_prefix(5);
  std::string_view rest;
  if (device.substr(0, 3) == "xvd")
    rest = device.substr(3);
  else if (device.substr(0, 2) == "sd")
    rest = device.substr(2);
  return is_slot(rest) ? std::string(rest) : std::string();
}

std::string ebs_nvme_serial(std::string_view volume_id) {
  std::string serial;
  for (char c : volume_id) {
    if (c != '-') serial += c;
  }
  return serial;
}

std::optional<EbsDevice> EbsDeviceLocator::find(const std::string& volume_id, const std::string& slot) const {
  std::vector<std::string> names;
  if (auto nvme = nvme_by_serial(sysfs_root_, ebs_nvme_serial(volume_id))) {
    names.push_back(*nvme);
  } else if (!slot.empty()) {
    // Xen: the kernel names the disk itself; only a name the kernel lists counts, never a link.
    for (const char* prefix : {"xvd", "sd"}) {
      if (path_exists(sysfs_root_ + "/block/" + prefix + slot)) names.push_back(prefix + slot);
    }
  }
  for (const auto& name : names) {
    // The node appears with the uevent; until it is there the disk cannot be used.
    std::string node = dev_dir_ + "/" + name;
    if (path_exists(node)) return EbsDevice{name, node};
  }
  return std::nullopt;
}

Result<std::vector<std::string>> EbsDeviceLocator::link(const std::string& slot, const EbsDevice& device) const {
  auto target = real_path(device.path);
  if (!target) return Error("resolve " + device.path + ": " + errno_text(errno));
  // Both names are checked before either is made, so a conflict leaves /dev as it was.
  std::vector<std::string> missing;
  for (const char* prefix : {"sd", "xvd"}) {
    std::string name = dev_dir_ + "/" + prefix + slot;
    struct stat st {};
    if (lstat(name.c_str(), &st) == 0) {
      auto existing = real_path(name);
      if (existing && *existing == *target) continue;
      return Error(name + " already exists and is " + (existing ? *existing : std::string("a broken link")) + ", not " + device.path +
                   "; left as it is");
    }
    if (errno != ENOENT) return Error("stat " + name + ": " + errno_text(errno));
    missing.push_back(name);
  }
  std::vector<std::string> made;
  for (const auto& name : missing) {
    // Relative, as udev makes them, so the link stays right when /dev is moved at switch_root.
    if (symlink(device.name.c_str(), name.c_str()) != 0) return Error("link " + name + " -> " + device.name + ": " + errno_text(errno));
    made.push_back(name);
  }
  return made;
}

}  // namespace taupage
