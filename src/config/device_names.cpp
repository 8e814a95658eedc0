#include "config/device_names.h"

namespace taupage {

std::string ebs_slot(std::string_view device) {
  std::string_view rest;
  if (device.substr(0, 7) == "/dev/sd")
    rest = device.substr(7);
  else if (device.substr(0, 8) == "/dev/xvd")
    rest = device.substr(8);
  else
    return {};
  if (rest.empty() || rest.size() > 2) return {};
  for (char c : rest) {
    if (c < 'a' || c > 'z') return {};
  }
  return std::string(rest);
}

bool is_raw_nvme(std::string_view device) { return device.substr(0, 9) == "/dev/nvme"; }

std::string device_identity(const std::string& device) {
  std::string slot = ebs_slot(device);
  return slot.empty() ? device : "slot:" + slot;
}

}  // namespace taupage
