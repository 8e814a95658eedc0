// libFuzzer target for the md 1.2 superblock reader (what step_raid decodes from 4 KiB into each
// member). Most random bytes stop at the checksum, so each input is also read once with its
// checksum made right, which lets the fuzzer reach the fields. Oracle: a superblock that decodes
// encodes back into bytes that decode to the same fields.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "storage/md_superblock.h"

namespace {

bool same(const taupage::MdSuperblock1& a, const taupage::MdSuperblock1& b) {
  return a.feature_map == b.feature_map && a.set_uuid == b.set_uuid && a.set_name == b.set_name && a.ctime == b.ctime &&
         a.level == b.level && a.layout == b.layout && a.size == b.size && a.chunksize == b.chunksize && a.raid_disks == b.raid_disks &&
         a.data_offset == b.data_offset && a.data_size == b.data_size && a.super_offset == b.super_offset &&
         a.recovery_offset == b.recovery_offset && a.dev_number == b.dev_number && a.device_uuid == b.device_uuid && a.utime == b.utime &&
         a.events == b.events && a.resync_offset == b.resync_offset && a.dev_roles == b.dev_roles;
}

void read_superblock(const std::vector<uint8_t>& bytes) {
  auto sb = taupage::MdSuperblock1::decode(bytes);
  if (!sb) {
    if (sb.error().message().empty()) __builtin_trap();
    return;
  }
  (void)sb->short_name();
  (void)taupage::md_uuid_text(sb->set_uuid);
  (void)taupage::md_default_data_offset(sb->size);
  auto again = taupage::MdSuperblock1::decode(sb->encode());
  if (!again || !same(*sb, *again)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  read_superblock(bytes);
  // The same bytes with the magic, major version and checksum a member would carry.
  constexpr size_t kFixed = 256;
  if (bytes.size() >= kFixed) {
    const uint32_t magic = taupage::kMdMagic, major = 1;
    std::memcpy(bytes.data(), &magic, 4);
    std::memcpy(bytes.data() + 4, &major, 4);
    uint32_t max_dev;
    std::memcpy(&max_dev, bytes.data() + 220, 4);
    max_dev %= 2048;  // within what decode accepts, so the checksum is computed over real bytes
    std::memcpy(bytes.data() + 220, &max_dev, 4);
    if (bytes.size() >= kFixed + 2 * size_t{max_dev}) {
      uint32_t sum = taupage::md_superblock1_checksum(bytes, max_dev);
      std::memcpy(bytes.data() + 216, &sum, 4);
    }
    read_superblock(bytes);
  }
  return 0;
}
