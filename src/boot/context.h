/// What a running step may use: the config, where the real root is, where reports go, a clock,
/// and the system interfaces (AWS, Docker, block devices, netfilter, ...). Each interface has one
/// real implementation and test doubles; the pointers are null where a stage does not need one.
#pragma once

#include <cstdint>
#include <map>
#include <string>
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

struct Context {
  const Config& config;
  std::string root = "/";                   // the real root: "/" or, in the initramfs, e.g. "/root"
  std::string state_dir = "/run/taupage";   // reports and the validated config
  Clock& clock;
  bool dry_run = false;
  NetlinkChannel* netfilter = nullptr;   // nf_tables, for the firewall step
  // storage (raid, mounts)
  BlockDevices* block_devices = nullptr;
  MdControl* md = nullptr;
  ToolRunner* tools = nullptr;
  Mounter* mounter = nullptr;
  double device_wait_seconds = 60;  // how long a configured device may take to appear
  // What the storage steps of this run wrote to disks, one line each ("raid created /dev/md/data
  // as md127"): a refusal later in the same run names them instead of saying nothing was changed.
  std::vector<std::string> storage_changes;
  // volumes (EBS attach)
  double volume_timeout_seconds = 1200;  // for an available volume with the configured Name (--volume-timeout)
  double volume_device_wait_seconds = 120;  // from `attached` until the disk and its node exist
  std::string sysfs_root = "/sys";       // where the kernel lists disks (the NVMe serials)
  std::string dev_dir = "/dev";          // device nodes, and where the /dev/sdX, /dev/xvdX links go
  std::string boot_id;                      // the kernel's id of this boot (reports, the CloudFormation signal record)
  // The stage's time budget (--defer-after, given in the initramfs): past defer_at_ms (monotonic),
  // a waiting step stops waiting and the steps that wait are deferred to a run on the real root.
  // 0: no budget.
  int64_t defer_at_ms = 0;
  double defer_after_seconds = 0;

  AwsSession* aws = nullptr;                // IMDS and the AWS services; null where no step needs AWS
  // Decrypted aws:kms: values, by environment variable name: filled by the secrets step, read by
  // the container step. (The log agents' keys stay inside the system stage's logagents step.)
  std::map<std::string, Secret> secrets;

  DockerApi* docker = nullptr;              // the Docker Engine (DOCKER_HOST), for the container and health steps
  HttpClient* http = nullptr;               // plain HTTP: the health check
  std::string docker_config_dir;            // DOCKER_CONFIG: where config.json holds registry credentials

  Context(const Config& c, Clock& k) : config(c), clock(k) {}
};

}  // namespace taupage
