/// The device names user data may give for EBS volumes, RAID members and mount partitions, and
/// when two names mean the same disk: /dev/sdf and /dev/xvdf name one attachment slot.
/// The storage section checks names with these, the cross-checks compare disks with them.
#pragma once

#include <string>
#include <string_view>

namespace taupage {

// "/dev/sdf" or "/dev/xvdf" -> "f"; empty when `device` is neither form.
std::string ebs_slot(std::string_view device);

// /dev/nvmeXnY: a name the kernel gives in discovery order, so it can change between boots.
bool is_raw_nvme(std::string_view device);

// What makes two device names the same disk: "slot:f" for both /dev/sdf and /dev/xvdf, else the name.
std::string device_identity(const std::string& device);

}  // namespace taupage
