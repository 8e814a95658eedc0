/// The kernel's md driver, reached through its ioctls (SET_ARRAY_INFO, ADD_NEW_DISK, RUN_ARRAY)
/// and sysfs: what arrays run, starting an array from members whose 1.2 superblocks are written,
/// adding a stale member back, and the /dev/md/<name> link. No mdadm behind it.
#pragma once

#include <string>
#include <vector>

#include "storage/block_devices.h"
#include "storage/md_superblock.h"
#include "util/result.h"

namespace taupage {

struct RunningArray {
  std::string name;                  // kernel name, "md127"
  std::vector<std::string> members;  // kernel names of the members, "nvme1n1"
  std::string level;                 // "raid0"
  std::string state;                 // array_state: "clean", "active", "read-auto", ...
  int raid_disks = 0;
  int degraded = 0;  // members missing, from md/degraded
};

class MdControl {
 public:
  virtual ~MdControl() = default;
  virtual Result<std::vector<RunningArray>> running() = 0;
  // A kernel name no array uses yet ("md127", counting down), its /dev node made.
  virtual Result<std::string> new_array_name() = 0;
  // SET_ARRAY_INFO naming 1.2 with raid_disks 0, ADD_NEW_DISK per member, RUN_ARRAY, and read-write.
  virtual Status start(const std::string& array, const std::vector<DeviceInfo>& members) = 0;
  // ADD_NEW_DISK on a running array: the kernel resyncs the member.
  virtual Status add_member(const std::string& array, const DeviceInfo& member) = 0;
  virtual Status stop(const std::string& array) = 0;
  // /dev/md/<name> -> ../<array>
  virtual Status link(const std::string& name, const std::string& array) = 0;
  virtual MdUuid new_uuid() = 0;
};

class RealMdControl : public MdControl {
 public:
  explicit RealMdControl(std::string sysfs_root = "/sys", std::string dev_root = "/dev")
      : sysfs_root_(std::move(sysfs_root)), dev_root_(std::move(dev_root)) {}
  Result<std::vector<RunningArray>> running() override;
  Result<std::string> new_array_name() override;
  Status start(const std::string& array, const std::vector<DeviceInfo>& members) override;
  Status add_member(const std::string& array, const DeviceInfo& member) override;
  Status stop(const std::string& array) override;
  Status link(const std::string& name, const std::string& array) override;
  MdUuid new_uuid() override;

 private:
  std::string sysfs_root_;
  std::string dev_root_;
};

}  // namespace taupage
