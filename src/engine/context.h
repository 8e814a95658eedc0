/// What a running step may use, in three parts: the settings of this run (folders, time limits,
/// the boot id: decided by the command line and environment, never changed by a step), the
/// services (the system interfaces, each with one real implementation and test doubles; null
/// where a stage does not need one) and what the steps of one run hand to each other (secrets,
/// the storage changes made so far).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "firewall/netlink_channel.h"
#include "util/clock.h"
#include "util/secret.h"

namespace taupage {

class BlockDevices;
class MdControl;
class ToolRunner;
class Mounter;
class AwsSession;
class DockerApi;
class HttpClient;

// The default of --volume-timeout: how long the volumes step waits for an available volume.
inline constexpr int kDefaultVolumeTimeoutSeconds = 1200;
// How long a configured device may take to appear (raid, mounts), and the disk of a volume EC2
// reports attached (volumes); TAUPAGE_DEVICE_WAIT_SECONDS sets both.
inline constexpr int kDefaultDeviceWaitSeconds = 60;
inline constexpr int kDefaultVolumeDeviceWaitSeconds = 120;

struct BootSettings {
  std::string root = "/";                  // the real root: "/" or, in the initramfs, e.g. "/root"
  std::string state_dir = "/run/taupage";  // reports and the validated config
  std::string boot_id;                     // the kernel's id of this boot (reports, the CloudFormation signal record)
  std::string sysfs_root = "/sys";         // where the kernel lists disks (the NVMe serials)
  std::string dev_dir = "/dev";            // device nodes, and where the /dev/sdX, /dev/xvdX links go
  double device_wait_seconds = kDefaultDeviceWaitSeconds;
  double volume_timeout_seconds = kDefaultVolumeTimeoutSeconds;         // for an available volume with the configured Name
  double volume_device_wait_seconds = kDefaultVolumeDeviceWaitSeconds;  // from `attached` until the disk and its node exist
  // The stage's time budget (--defer-after, given in the initramfs): past defer_at_ms (monotonic),
  // a waiting step stops waiting and the steps that wait are deferred to a run on the real root.
  // 0: no budget.
  int64_t defer_at_ms = 0;
  double defer_after_seconds = 0;
  std::string docker_config_dir;  // DOCKER_CONFIG: where config.json holds registry credentials
};

struct Services {
  NetlinkChannel* netfilter = nullptr;  // nf_tables, for the firewall step
  BlockDevices* block_devices = nullptr;
  MdControl* md = nullptr;
  ToolRunner* tools = nullptr;
  Mounter* mounter = nullptr;
  AwsSession* aws = nullptr;    // IMDS and the AWS services; null where no step needs AWS
  DockerApi* docker = nullptr;  // the Docker Engine (DOCKER_HOST), for the container and health steps
  HttpClient* http = nullptr;   // plain HTTP: the health check
};

struct Context {
  const Config& config;
  Clock& clock;
  BootSettings settings;
  Services services;

  // Decrypted aws:kms: values, by environment variable name: filled by the secrets step, read by
  // the container step. (The log agents' keys stay inside the system stage's logagents step.)
  std::map<std::string, Secret> secrets;
  // What the storage steps of this run wrote to disks, one line each ("raid created /dev/md/data
  // as md127"): a refusal later in the same run names them instead of saying nothing was changed.
  std::vector<std::string> storage_changes;
  // The arrays the raid step created on this run (major, minor), their first and last MiB zeroed
  // through the array itself: the mounts step knows them blank without reading them again.
  std::vector<std::pair<uint32_t, uint32_t>> created_blank;

  Context(const Config& c, Clock& k) : config(c), clock(k) {}
};

}  // namespace taupage
