/// Finding block devices and reading or writing their first bytes: through /dev and a sysfs tree
/// whose root is a parameter, so tests can hand discovery a fake sysfs and doubles the rest.
/// A device that has not appeared yet is waited for, with a deadline, never taken for missing data.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/byte_source.h"
#include "util/clock.h"
#include "util/result.h"

namespace taupage {

struct DeviceInfo {
  std::string path;  // the node after following links: "/dev/nvme1n1"
  std::string name;  // its kernel name: "nvme1n1"
  uint32_t major = 0;
  uint32_t minor = 0;
  uint64_t bytes = 0;
};

// A stretch of a device, in bytes.
struct Extent {
  uint64_t offset = 0;
  uint64_t length = 0;
};

class BlockDevices {
 public:
  virtual ~BlockDevices() = default;
  // The device at `path` (links followed), waiting up to `wait_seconds` for it to appear.
  virtual Result<DeviceInfo> find(const std::string& path, double wait_seconds) = 0;
  virtual Result<std::unique_ptr<ByteSource>> open(const std::string& path) = 0;
  // Writes and flushes `bytes` at `offset` (md superblocks).
  virtual Status write_at(const std::string& path, uint64_t offset, const std::vector<uint8_t>& bytes) = 0;
  // Writes zeros over every extent, then flushes once: on return all of them are on the disk.
  virtual Status write_zeros(const std::string& path, const std::vector<Extent>& extents) = 0;
};

// The kernel name of the NVMe namespace whose controller reports `serial` (an EBS volume id without
// the dash), looked up under `sysfs_root`/block; nothing if none does.
std::optional<std::string> nvme_by_serial(const std::string& sysfs_root, const std::string& serial);
// The kernel names of every block device under `sysfs_root`/block, sorted.
std::vector<std::string> block_names(const std::string& sysfs_root);
// The kernel names under `sysfs_root`/block/<name>/slaves (the members of an md array).
std::vector<std::string> slaves_of(const std::string& sysfs_root, const std::string& name);

class RealBlockDevices : public BlockDevices {
 public:
  RealBlockDevices(Clock& clock, std::string sysfs_root = "/sys") : clock_(clock), sysfs_root_(std::move(sysfs_root)) {}
  Result<DeviceInfo> find(const std::string& path, double wait_seconds) override;
  Result<std::unique_ptr<ByteSource>> open(const std::string& path) override;
  Status write_at(const std::string& path, uint64_t offset, const std::vector<uint8_t>& bytes) override;
  Status write_zeros(const std::string& path, const std::vector<Extent>& extents) override;

 private:
  Clock& clock_;
  std::string sysfs_root_;
};

}  // namespace taupage
