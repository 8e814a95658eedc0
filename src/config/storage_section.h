/// The storage section of user data: the EBS volumes to attach, the md RAID arrays to build on
/// them and the mounts, read into the Config with each value's origin. How arrays, members and
/// mounts fit together is checked afterwards, across sections (config/cross_checks.h).
#pragma once

#include <string>
#include <vector>

#include "config/top_level_key.h"

namespace taupage {

const std::vector<TopLevelKey>& storage_keys();

// The provenance addresses of an array and of its members, as the storage section records them.
std::string raid_address(const std::string& device);
std::string raid_member_address(const std::string& device, size_t index);
std::string mount_address(const std::string& target);

}  // namespace taupage
