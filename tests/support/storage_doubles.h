/// Test doubles for the storage interfaces: block devices held in memory, an md driver, tool
/// runs and mounts that are recorded, so the raid and mounts steps are tested without a disk.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/block_devices.h"
#include "storage/filesystem_tools.h"
#include "storage/md_control.h"
#include "storage/mounter.h"

namespace taupage {

class FakeBlockDevices : public BlockDevices {
 public:
  struct Device {
    DeviceInfo info;
    std::shared_ptr<std::vector<uint8_t>> bytes;
  };
  // A device of `bytes` zeros at `path` (kernel name `name`, minor `minor`).
  std::vector<uint8_t>& add(const std::string& path, const std::string& name, uint32_t minor, size_t bytes);
  Result<DeviceInfo> find(const std::string& path, double wait_seconds) override;
  Result<std::unique_ptr<ByteSource>> open(const std::string& path) override;
  Status write_at(const std::string& path, uint64_t offset, const std::vector<uint8_t>& bytes) override;
  Status write_zeros(const std::string& path, const std::vector<Extent>& extents) override;

  std::map<std::string, Device> devices;  // by configured path and by resolved path
  std::vector<std::string> writes;        // "path@offset"
  std::vector<std::string> opened;        // the paths opened for reading, in order
};

class FakeMd : public MdControl {
 public:
  Result<std::vector<RunningArray>> running() override { return arrays; }
  Result<std::string> new_array_name() override { return "md" + std::to_string(127 - next_++); }
  Status start(const std::string& array, const std::vector<DeviceInfo>& members) override;
  Status add_member(const std::string& array, const DeviceInfo& member) override;
  Status stop(const std::string& array) override;
  Status link(const std::string& name, const std::string& array) override;
  MdUuid new_uuid() override;

  std::vector<RunningArray> arrays;
  std::vector<std::string> calls;  // "start md127 vdb vdc", "add md127 vdd", "link x md127"
  bool fail_start = false;
  // When set, a started array appears there as /dev/<array> (and /dev/md/<name> once linked). Its
  // bytes are a rough model, a mirror's: the first member's data area as it was at the start
  // (kept in `at_start`, what a power cut right after the start would leave).
  FakeBlockDevices* devices = nullptr;
  std::map<std::string, std::vector<uint8_t>> at_start;  // by array

 private:
  int next_ = 0;
  uint8_t uuid_seed_ = 0;
};

class FakeTools : public ToolRunner {
 public:
  Result<ToolRun> run(const std::string& tool, const std::vector<std::string>& args) override;
  std::map<std::string, int> exit_codes;  // by tool name; 0 when absent
  std::vector<std::string> calls;         // "mkfs.ext4 -F -q ..."
};

class FakeMounter : public Mounter {
 public:
  Result<std::optional<MountEntry>> mounted_at(const std::string& path) override;
  Status mount(const std::string& source, const std::string& target, const std::string& fstype, unsigned long flags,
               const std::string& data) override;
  Status make_dirs(const std::string& path) override;
  Status open_up(const std::string& path) override;

  std::map<std::string, MountEntry> mounts;                             // by target
  std::map<std::string, std::pair<uint32_t, uint32_t>> device_numbers;  // source -> major:minor
  std::vector<std::string> calls;                                       // "mount /dev/vdb /r/mounts/data ext4 flags=0 data="
};

}  // namespace taupage
