#include "storage/md_superblock.h"

#include <cstring>

#include "util/strings.h"

namespace taupage {
namespace {

constexpr size_t kFixed = 256;

void put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v);
  b[at + 1] = static_cast<uint8_t>(v >> 8);
}
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint16_t get16(const std::vector<uint8_t>& b, size_t at) { return static_cast<uint16_t>(b[at] | (b[at + 1] << 8)); }
uint32_t get32(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | b[at + i];
  return v;
}
uint64_t get64(const std::vector<uint8_t>& b, size_t at) { return get32(b, at) | (static_cast<uint64_t>(get32(b, at + 4)) << 32); }

}  // namespace

std::string md_uuid_text(const MdUuid& uuid) {
  std::string out;
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ':';
    out += strfmt("%02x", uuid[i]);
  }
  return out;
}

uint32_t md_superblock1_checksum(const std::vector<uint8_t>& bytes, uint32_t max_dev) {
  size_t length = kFixed + 2 * static_cast<size_t>(max_dev);
  uint64_t sum = 0;
  size_t at = 0;
  for (; at + 4 <= length; at += 4) sum += (at == 216) ? 0 : get32(bytes, at);
  if (length - at == 2) sum += get16(bytes, at);
  uint64_t folded = (sum & 0xffffffffu) + (sum >> 32);
  return static_cast<uint32_t>(folded);
}

std::vector<uint8_t> MdSuperblock1::encode() const {
  size_t length = kFixed + 2 * dev_roles.size();
  std::vector<uint8_t> b((length + 511) / 512 * 512, 0);
  put32(b, 0, kMdMagic);
  put32(b, 4, 1);
  put32(b, 8, feature_map);
  std::memcpy(b.data() + 16, set_uuid.data(), 16);
  std::memcpy(b.data() + 32, set_name.data(), std::min<size_t>(set_name.size(), 32));
  put64(b, 64, ctime);
  put32(b, 72, static_cast<uint32_t>(level));
  put32(b, 76, layout);
  put64(b, 80, size);
  put32(b, 88, chunksize);
  put32(b, 92, raid_disks);
  put32(b, 100, static_cast<uint32_t>(level));  // new_level: no reshape
  put32(b, 116, layout);                        // new_layout
  put32(b, 120, chunksize);                     // new_chunk
  put64(b, 128, data_offset);
  put64(b, 136, data_size);
  put64(b, 144, super_offset);
  put64(b, 152, recovery_offset);
  put32(b, 160, dev_number);
  std::memcpy(b.data() + 168, device_uuid.data(), 16);
  put64(b, 192, utime);
  put64(b, 200, events);
  put64(b, 208, resync_offset);
  put32(b, 220, static_cast<uint32_t>(dev_roles.size()));
  for (size_t i = 0; i < dev_roles.size(); ++i) put16(b, kFixed + 2 * i, dev_roles[i]);
  put32(b, 216, md_superblock1_checksum(b, static_cast<uint32_t>(dev_roles.size())));
  return b;
}

Result<MdSuperblock1> MdSuperblock1::decode(const std::vector<uint8_t>& b) {
  if (b.size() < kFixed) return Error("md superblock: too short");
  if (get32(b, 0) != kMdMagic) return Error("md superblock: no md magic");
  if (get32(b, 4) != 1) return Error(strfmt("md superblock: major version %u, not 1", get32(b, 4)));
  uint32_t max_dev = get32(b, 220);
  if (max_dev > (4096 - kFixed) / 2) return Error(strfmt("md superblock: max_dev %u is too large", max_dev));
  if (b.size() < kFixed + 2 * max_dev) return Error("md superblock: shorter than its device table");
  uint32_t stored = get32(b, 216), computed = md_superblock1_checksum(b, max_dev);
  if (stored != computed) return Error(strfmt("md superblock: checksum %08x, expected %08x", stored, computed));
  MdSuperblock1 sb;
  sb.feature_map = get32(b, 8);
  std::memcpy(sb.set_uuid.data(), b.data() + 16, 16);
  const char* name = reinterpret_cast<const char*>(b.data() + 32);
  sb.set_name.assign(name, strnlen(name, 32));
  sb.ctime = get64(b, 64);
  sb.level = static_cast<int32_t>(get32(b, 72));
  sb.layout = get32(b, 76);
  sb.size = get64(b, 80);
  sb.chunksize = get32(b, 88);
  sb.raid_disks = get32(b, 92);
  sb.data_offset = get64(b, 128);
  sb.data_size = get64(b, 136);
  sb.super_offset = get64(b, 144);
  sb.recovery_offset = get64(b, 152);
  sb.dev_number = get32(b, 160);
  std::memcpy(sb.device_uuid.data(), b.data() + 168, 16);
  sb.utime = get64(b, 192);
  sb.events = get64(b, 200);
  sb.resync_offset = get64(b, 208);
  sb.dev_roles.resize(max_dev);
  for (size_t i = 0; i < max_dev; ++i) sb.dev_roles[i] = get16(b, kFixed + 2 * i);
  return sb;
}

std::string MdSuperblock1::short_name() const {
  auto colon = set_name.find(':');
  return colon == std::string::npos ? set_name : set_name.substr(colon + 1);
}

uint64_t md_default_data_offset(uint64_t device_sectors) {
  uint64_t headroom = 128 * 1024 * 2;  // 128 MiB in sectors
  while (headroom > 0 && (headroom << 10) > device_sectors) headroom >>= 1;
  uint64_t wanted = 12 * 2 + headroom;
  const uint64_t mib = 2048;
  return (wanted + mib - 1) / mib * mib;
}

}  // namespace taupage
