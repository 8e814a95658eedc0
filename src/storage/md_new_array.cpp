#include "storage/md_new_array.h"

#include <algorithm>

namespace taupage {
namespace {

constexpr uint32_t kChunkSectors = 1024;  // 512 KiB, mdadm's default
constexpr uint32_t kMaxDev = 128;         // 256 + 2 * 128 bytes: one 512-byte sector
constexpr uint64_t kMiB = 1024 * 1024;
// Per member, the array's first (last) MiB lies within the first (last) MiB of the member's used
// data area for every level and layout here (RAID 0 zones, 5 and 6 with parity, 10 near 2); twice
// that leaves room for rounding.
constexpr uint64_t kMemberClearSectors = 2 * kMiB / 512;

}  // namespace

std::string md_recorded_name(const std::string& name) { return "any:" + name; }

std::vector<MdSuperblock1> new_array_superblocks(const std::string& name, int level, const std::vector<uint64_t>& member_bytes,
                                                 const MdUuid& set_uuid, const std::vector<MdUuid>& device_uuids, uint64_t now) {
  std::vector<MdSuperblock1> out;
  if (member_bytes.empty()) return out;
  uint64_t smallest = *std::min_element(member_bytes.begin(), member_bytes.end()) / 512;
  uint64_t data_offset = md_default_data_offset(smallest);
  if (smallest <= data_offset + 2 * kChunkSectors) return out;
  const bool striped = level != 1;
  const uint32_t chunk = striped ? kChunkSectors : 0;
  // The component size every member contributes: whole chunks (64 KiB units for RAID 1).
  uint64_t unit = striped ? chunk : 128;
  uint64_t component = (smallest - data_offset) / unit * unit;
  bool unequal = std::any_of(member_bytes.begin(), member_bytes.end(), [&](uint64_t b) { return b / 512 != smallest; });
  for (size_t i = 0; i < member_bytes.size(); ++i) {
    MdSuperblock1 sb;
    sb.set_uuid = set_uuid;
    sb.set_name = md_recorded_name(name);
    sb.ctime = now & 0xffffffffffULL;
    sb.utime = sb.ctime;
    sb.level = level;
    switch (level) {
      case 5:
      case 6: sb.layout = 2; break;       // left-symmetric, mdadm's default
      case 10: sb.layout = 0x102; break;  // near=2
      default: sb.layout = 0; break;
    }
    if (level == 0 && unequal) {
      // Members of different sizes make RAID 0 zones; since Linux 5.4 their layout must be recorded.
      sb.feature_map |= kMdFeatureRaid0Layout;
      sb.layout = 2;  // RAID0_ALT_MULTIZONE_LAYOUT
    }
    sb.chunksize = chunk;
    sb.raid_disks = static_cast<uint32_t>(member_bytes.size());
    sb.data_offset = data_offset;
    sb.data_size = member_bytes[i] / 512 - data_offset;
    sb.size = component;
    sb.dev_number = static_cast<uint32_t>(i);
    sb.device_uuid = device_uuids[i];
    sb.events = 1;
    // RAID 0 has nothing to sync; redundant levels resync in the background from the start.
    sb.resync_offset = level == 0 ? kMdMaxSector : 0;
    sb.dev_roles.assign(kMaxDev, kMdRoleSpare);
    for (size_t k = 0; k < member_bytes.size(); ++k) sb.dev_roles[k] = static_cast<uint16_t>(k);
    out.push_back(sb);
  }
  return out;
}

std::vector<ByteRange> new_member_clear_ranges(const MdSuperblock1& sb) {
  const uint64_t begin = sb.data_offset;
  // RAID 0 uses each member's whole data area in whole chunks (zones when sizes differ); the other
  // levels use the same component size on every member.
  uint64_t used = sb.level == 0 && sb.chunksize > 0 ? sb.data_size / sb.chunksize * sb.chunksize : std::min(sb.size, sb.data_size);
  const uint64_t end = begin + used;
  if (used <= 2 * kMemberClearSectors) return {{begin * 512, used * 512}};
  return {{begin * 512, kMemberClearSectors * 512}, {(end - kMemberClearSectors) * 512, kMemberClearSectors * 512}};
}

}  // namespace taupage
