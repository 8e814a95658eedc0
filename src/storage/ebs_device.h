/// Where an attached EBS volume shows up as a disk, and the /dev/sdX and /dev/xvdX names users
/// write for it: on Nitro instances the NVMe namespace whose controller serial is the volume id
/// without its dash, on Xen instances the kernel's own xvdX (or sdX) disk for the attachment's slot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace taupage {

struct EbsDevice {
  std::string name;  // the kernel's name: "nvme1n1", "xvdf"
  std::string path;  // its node: "/dev/nvme1n1"
};

// "/dev/sdf", "sdf", "/dev/xvdf", "xvdba" -> "f" / "ba"; empty for anything else.
std::string ebs_slot_of(std::string_view device);

// The NVMe serial EBS gives a volume: "vol-0abc..." -> "vol0abc...".
std::string ebs_nvme_serial(std::string_view volume_id);

class EbsDeviceLocator {
 public:
  // `sysfs_root` and `dev_dir` are parameters so that tests hand it a fake kernel.
  explicit EbsDeviceLocator(std::string sysfs_root = "/sys", std::string dev_dir = "/dev")
      : sysfs_root_(std::move(sysfs_root)), dev_dir_(std::move(dev_dir)) {}

  // The volume's disk once the kernel lists it and its node exists; nullopt until then. `slot`
  // is the attachment's slot, used on Xen instances only (NVMe is matched by serial alone).
  std::optional<EbsDevice> find(const std::string& volume_id, const std::string& slot) const;

  // Makes <dev>/sd<slot> and <dev>/xvd<slot> links to `device` where they are missing; returns
  // the links made. A name that exists and is another device is an error and is left as it is.
  Result<std::vector<std::string>> link(const std::string& slot, const EbsDevice& device) const;

  const std::string& dev_dir() const { return dev_dir_; }

 private:
  std::string sysfs_root_;
  std::string dev_dir_;
};

}  // namespace taupage
