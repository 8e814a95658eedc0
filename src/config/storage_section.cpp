#include "config/storage_section.h"

#include <algorithm>
#include <map>
#include <set>

#include "config/device_names.h"
#include "util/strings.h"

namespace taupage {
namespace {

struct RaidLevel {
  int level;
  size_t minimum_members;
};
constexpr RaidLevel kRaidLevels[] = {{0, 2}, {1, 2}, {5, 3}, {6, 4}, {10, 4}};

// The default first: a typo close to several ext versions suggests ext4.
const std::vector<std::string> kFilesystems = {"ext4", "ext3", "ext2", "xfs", "btrfs", "tmpfs"};

// A device path for raid members and mount partitions.
bool device_path(NodeReader& reader, const std::string& device, const YamlNode& node, const std::string& path) {
  if (is_raw_nvme(device)) {
    reader.error(
        path, node.mark,
        "raw NVMe names such as " + quote(device) + " change between boots; name the EBS slot as attached (/dev/sdX or /dev/xvdX)");
    return false;
  }
  if (device.rfind("/dev/", 0) != 0 || device.size() <= 5 || has_control_or_space(device) || device.find("/../") != std::string::npos) {
    reader.error(path, node.mark, "expected a device path under /dev/, got " + node.describe());
    return false;
  }
  return true;
}

void read_ebs(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (!reader.expect_mapping(node, path, "a mapping of device (/dev/sdf) to the volume's Name tag")) return;
  std::map<std::string, int> slots;
  for (const auto& [device, entry] : reader.entries(node, path)) {
    std::string item_path = path_key(path, device);
    config.provenance.written(item_path, entry->key.mark, entry->value.mark);
    if (is_raw_nvme(device)) {
      device_path(reader, device, entry->key, item_path);
      continue;
    }
    std::string slot = ebs_slot(device);
    if (slot.empty() || slot == "a") {
      reader.error(item_path, entry->key.mark,
                   "expected an EBS device name such as /dev/sdf or /dev/xvdf (not the root device /dev/sda), got " + quote(device));
      continue;
    }
    auto [it, inserted] = slots.emplace(slot, entry->key.mark.line);
    if (!inserted) {
      reader.error(item_path, entry->key.mark,
                   strfmt("/dev/sd%s and /dev/xvd%s name the same slot, already used at line %d", slot.c_str(), slot.c_str(), it->second));
      continue;
    }
    auto name = reader.nonempty_text(entry->value, item_path, "the volume's Name tag");
    if (!name) continue;
    if (name->size() > 256) {
      reader.error(item_path, entry->value.mark, "a Name tag has at most 256 characters");
      continue;
    }
    bool placeholders_ok = true;
    for (size_t pos = name->find("${"); pos != std::string::npos; pos = name->find("${", pos + 2)) {
      size_t end = name->find('}', pos);
      std::string placeholder = end == std::string::npos ? name->substr(pos) : name->substr(pos + 2, end - pos - 2);
      if (placeholder != "local_ipv4" && placeholder != "public_ipv4") {
        reader.error(item_path, entry->value.mark,
                     "unknown placeholder " + quote("${" + placeholder + (end == std::string::npos ? "" : "}")) +
                         "; known: ${local_ipv4}, ${public_ipv4}");
        placeholders_ok = false;
        break;
      }
    }
    if (placeholders_ok) config.ebs.push_back({device, slot, *name, entry->key.mark});
  }
}

// Reads the devices of one array into `array.members`; false when one of them is refused.
bool read_raid_members(NodeReader& reader, const YamlNode& list, const std::string& path, RaidArray& array, Provenance& provenance) {
  if (!list.is_sequence()) {
    reader.error(path, list.mark, "expected a list of devices, got " + list.describe());
    return false;
  }
  bool ok = true;
  std::set<std::string> seen;
  for (size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& member = list.items[i];
    std::string member_path = path_index(path, i);
    auto name = reader.nonempty_text(member, member_path, "a device path");
    if (!name || !device_path(reader, *name, member, member_path)) {
      ok = false;
      continue;
    }
    if (!seen.insert(device_identity(*name)).second) {
      reader.error(member_path, member.mark, quote(*name) + " is listed twice");
      ok = false;
      continue;
    }
    provenance.record(raid_member_address(array.device, array.members.size()), Origin{member_path, member.mark, member.mark, false});
    array.members.push_back(*name);
  }
  return ok;
}

// While reading, config.raid holds every array whose name could be read, with the members that
// could be read, also when its level or size is wrong (that error is reported): the cross-checks
// must still see that a mounted device is one of its members. A Config is returned only
// without errors, so no step ever sees such an array.
void read_raid(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (!reader.expect_mapping(node, path, "a mapping of /dev/md/NAME to its level and devices")) return;
  for (const auto& [device, entry] : reader.entries(node, path)) {
    std::string item_path = path_key(path, device);
    config.provenance.written(item_path, entry->key.mark, entry->value.mark);
    RaidArray array;
    array.device = device;
    array.mark = entry->key.mark;
    array.name = device.rfind("/dev/md/", 0) == 0 ? device.substr(8) : "";
    bool name_ok = !array.name.empty() && array.name.size() <= 32 && std::all_of(array.name.begin(), array.name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
    if (!name_ok) {
      reader.error(item_path, entry->key.mark,
                   "expected /dev/md/NAME (NAME: letters, digits, '-', '_', '.'; at most 32), got " + quote(device));
      continue;
    }
    if (!reader.expect_mapping(entry->value, item_path, "a mapping with level and devices")) continue;
    bool ok = true, has_level = false, has_devices = false;
    for (const auto& [key, field] : reader.entries(entry->value, item_path)) {
      std::string field_path = path_key(item_path, key);
      if (key == "level") {
        has_level = true;
        config.provenance.written(field_path, field->key.mark, field->value.mark);
        const YamlNode& level = field->value;
        auto value = level.is_scalar() && level.plain ? parse_uint(level.text) : std::nullopt;
        auto known = std::find_if(std::begin(kRaidLevels), std::end(kRaidLevels),
                                  [&](const RaidLevel& l) { return value && *value == static_cast<uint64_t>(l.level); });
        if (known == std::end(kRaidLevels)) {
          std::string message = "expected a RAID level 0, 1, 5, 6 or 10, got " + level.describe();
          std::string lower = to_lower(level.text);
          if (lower.rfind("raid", 0) == 0) message += "; write the number alone (level: " + lower.substr(4) + ")";
          reader.error(field_path, level.mark, message);
          ok = false;
        } else {
          array.level = known->level;
        }
      } else if (key == "devices") {
        has_devices = true;
        config.provenance.written(field_path, field->key.mark, field->value.mark);
        ok = read_raid_members(reader, field->value, field_path, array, config.provenance) && ok;
      } else {
        reader.unknown_key(field_path, field->key.mark, key, {"level", "devices"});
      }
    }
    if (!has_level) reader.error(item_path, entry->key.mark, "missing required key \"level\"");
    if (!has_devices) reader.error(item_path, entry->key.mark, "missing required key \"devices\"");
    if (ok && has_level && has_devices) {
      auto level = std::find_if(std::begin(kRaidLevels), std::end(kRaidLevels), [&](const RaidLevel& l) { return l.level == array.level; });
      if (array.members.size() < level->minimum_members) {
        reader.error(item_path, entry->key.mark,
                     strfmt("RAID %d needs at least %zu devices, %zu given", array.level, level->minimum_members, array.members.size()));
      }
    }
    config.raid.push_back(std::move(array));
  }
}

void read_volumes(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (!reader.expect_mapping(node, path, "a mapping with ebs and raid")) return;
  for (const auto& [key, entry] : reader.entries(node, path)) {
    std::string item_path = path_key(path, key);
    if (key == "ebs") {
      config.provenance.written(item_path, entry->key.mark, entry->value.mark);
      read_ebs(reader, entry->value, item_path, config);
    } else if (key == "raid") {
      config.provenance.written(item_path, entry->key.mark, entry->value.mark);
      read_raid(reader, entry->value, item_path, config);
    } else {
      reader.unknown_key(item_path, entry->key.mark, key, {"ebs", "raid"});
    }
  }
}

void read_mounts(NodeReader& reader, const YamlNode& node, const std::string& path, Config& config) {
  if (!reader.expect_mapping(node, path, "a mapping of mount targets to their settings")) return;
  for (const auto& [target, entry] : reader.entries(node, path)) {
    std::string item_path = path_key(path, target);
    config.provenance.written(item_path, entry->key.mark, entry->value.mark);
    MountSpec mount;
    mount.target = target;
    mount.mark = entry->key.mark;
    bool target_ok = target.size() > 1 && target[0] == '/' && target.back() != '/' && !has_control_or_space(target);
    for (const auto& part : split(target.substr(target.empty() ? 0 : 1), '/')) {
      if (part.empty() || part == "." || part == "..") target_ok = false;
    }
    if (!target_ok) {
      reader.error(item_path, entry->key.mark,
                   "expected an absolute, clean path such as /data (no '.', '..', '//' or trailing '/'; not /), got " + quote(target));
      continue;
    }
    if (!reader.expect_mapping(entry->value, item_path, "a mapping with partition, filesystem, erase_on_boot and options")) continue;
    bool ok = true, has_partition = false;
    Mark partition_mark = entry->key.mark;
    std::string partition_path;
    for (const auto& [key, field] : reader.entries(entry->value, item_path)) {
      std::string field_path = path_key(item_path, key);
      if (key == "partition") {
        has_partition = true;
        partition_mark = field->value.mark;
        partition_path = field_path;
        config.provenance.written(field_path, field->key.mark, field->value.mark);
        auto value = reader.nonempty_text(field->value, field_path, "a device path or none");
        if (!value || (*value != "none" && !device_path(reader, *value, field->value, field_path))) {
          ok = false;
          continue;
        }
        mount.partition = *value;
      } else if (key == "erase_on_boot") {
        config.provenance.written(field_path, field->key.mark, field->value.mark);
        auto value = reader.boolean(field->value, field_path);
        if (!value)
          ok = false;
        else
          mount.erase_on_boot = *value;
      } else if (key == "filesystem") {
        config.provenance.written(field_path, field->key.mark, field->value.mark);
        auto value = reader.nonempty_text(field->value, field_path, "a filesystem type");
        if (!value) {
          ok = false;
        } else if (std::find(kFilesystems.begin(), kFilesystems.end(), *value) == kFilesystems.end()) {
          std::string message = "unsupported filesystem " + quote(*value) + " (ext2, ext3, ext4, xfs, btrfs or tmpfs)";
          std::string suggestion = closest_match(*value, kFilesystems);
          if (!suggestion.empty()) message += "; did you mean " + quote(suggestion) + "?";
          reader.error(field_path, field->value.mark, message);
          ok = false;
        } else {
          mount.filesystem = *value;
        }
      } else if (key == "options") {
        config.provenance.written(field_path, field->key.mark, field->value.mark);
        auto value = reader.nonempty_text(field->value, field_path, "mount options such as noatime,nodiratime");
        if (!value) {
          ok = false;
          continue;
        }
        std::vector<std::string> options;
        for (const auto& option : split(*value, ',')) {
          std::string_view trimmed = trim(option);
          if (trimmed.empty() || has_control_or_space(trimmed)) {
            reader.error(field_path, field->value.mark, "expected comma-separated mount options without spaces, got " + quote(*value));
            ok = false;
            break;
          }
          options.emplace_back(trimmed);
        }
        mount.options = join(options, ",");
      } else {
        reader.unknown_key(field_path, field->key.mark, key, {"partition", "erase_on_boot", "filesystem", "options"});
      }
    }
    for (const char* field : {"erase_on_boot", "filesystem", "options"}) config.provenance.defaulted(path_key(item_path, field));
    if (!has_partition) {
      reader.error(item_path, entry->key.mark, "missing required key \"partition\" (a device, or none for tmpfs)");
      continue;
    }
    if (!ok) continue;
    if (mount.filesystem == "tmpfs" && mount.partition != "none") {
      reader.error(partition_path, partition_mark, "a tmpfs mount has no device: write partition: none");
      continue;
    }
    if (mount.partition == "none" && mount.filesystem != "tmpfs") {
      reader.error(partition_path, partition_mark, "partition: none is only for filesystem: tmpfs");
      continue;
    }
    config.mounts.push_back(std::move(mount));
  }
}

}  // namespace

std::string raid_address(const std::string& device) { return path_key("$.volumes.raid", device); }

std::string raid_member_address(const std::string& device, size_t index) {
  return path_index(path_key(raid_address(device), "devices"), index);
}

std::string mount_address(const std::string& target) { return path_key("$.mounts", target); }

const std::vector<TopLevelKey>& storage_keys() {
  static const std::vector<TopLevelKey> keys = {
      {"volumes", read_volumes},
      {"mounts", read_mounts},
  };
  return keys;
}

}  // namespace taupage
