/// What a running step may use: the config, where the real root is, where reports go, a clock,
/// and the system interfaces (AWS, Docker, block devices, netfilter, ...). Each interface has one
/// real implementation and test doubles; the pointers are null where a stage does not need one.
#pragma once

#include <string>

#include "config/config.h"
#include "util/clock.h"

namespace taupage {

class BlockDevices;
class MdControl;
class ToolRunner;
class Mounter;

struct Context {
  const Config& config;
  std::string root = "/";                   // the real root: "/" or, in the initramfs, e.g. "/root"
  std::string state_dir = "/run/taupage";   // reports and the validated config
  Clock& clock;
  bool dry_run = false;
  // storage (raid, mounts)
  BlockDevices* block_devices = nullptr;
  MdControl* md = nullptr;
  ToolRunner* tools = nullptr;
  Mounter* mounter = nullptr;
  double device_wait_seconds = 60;  // how long a configured device may take to appear

  Context(const Config& c, Clock& k) : config(c), clock(k) {}
};

}  // namespace taupage
