/// The md version-1 superblock (the byte layout of the kernel's `struct mdp_superblock_1`):
/// Taupage writes version 1.2 itself, 4 KiB from the start of each member, as mdadm does, because
/// the kernel only loads and updates 1.x superblocks; it never writes the first one.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace taupage {

constexpr uint32_t kMdMagic = 0xa92b4efc;
constexpr uint64_t kMd12SuperOffsetSectors = 8;   // 1.2: 4 KiB from the start
constexpr uint32_t kMdFeatureRaid0Layout = 4096;  // MD_FEATURE_RAID0_LAYOUT in linux/raid/md_p.h
constexpr uint64_t kMdMaxSector = ~uint64_t{0};   // resync_offset meaning "in sync"
constexpr uint16_t kMdRoleSpare = 0xffff;
constexpr uint16_t kMdRoleFaulty = 0xfffe;

using MdUuid = std::array<uint8_t, 16>;
std::string md_uuid_text(const MdUuid& uuid);  // "5f1c2a3b:..." as mdadm prints it

struct MdSuperblock1 {
  uint32_t feature_map = 0;
  MdUuid set_uuid{};
  std::string set_name;  // up to 32 bytes: "any:sampleraid0"
  uint64_t ctime = 0;
  int32_t level = 0;
  uint32_t layout = 0;
  uint64_t size = 0;       // sectors used on each member
  uint32_t chunksize = 0;  // sectors
  uint32_t raid_disks = 0;
  uint64_t data_offset = 0;  // sectors
  uint64_t data_size = 0;    // sectors
  uint64_t super_offset = kMd12SuperOffsetSectors;
  uint64_t recovery_offset = 0;
  uint32_t dev_number = 0;
  MdUuid device_uuid{};
  uint64_t utime = 0;
  uint64_t events = 1;
  uint64_t resync_offset = 0;
  std::vector<uint16_t> dev_roles;  // max_dev entries

  // 256 bytes plus 2 per role, padded to a 512-byte sector; the checksum filled in.
  std::vector<uint8_t> encode() const;
  // Checks the magic, the version, the sizes and the checksum.
  static Result<MdSuperblock1> decode(const std::vector<uint8_t>& bytes);
  // The name without a "host:" prefix.
  std::string short_name() const;
};

// The checksum the kernel and mdadm compute over 256 + 2 * max_dev bytes, sb_csum taken as 0.
uint32_t md_superblock1_checksum(const std::vector<uint8_t>& bytes, uint32_t max_dev);

// mdadm's data offset for a new 1.2 member of `device_sectors`: 12 KiB of superblock space plus a
// headroom of 128 MiB halved until it is under 1/1024 of the device, rounded up to a whole MiB.
uint64_t md_default_data_offset(uint64_t device_sectors);

}  // namespace taupage
