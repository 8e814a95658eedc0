/// The decisions of the volumes step: for each volumes.ebs entry, keep the volume already attached
/// to this instance, attach the one available volume with that Name, or wait (bounded) for one to
/// become available; then wait for the `attached` state and for the disk. All AttachVolume
/// requests go out before any wait, and one polling loop serves every pending volume.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aws/volume_api.h"
#include "storage/ebs_device.h"
#include "util/clock.h"
#include "util/result.h"

namespace taupage {

struct VolumeRequest {
  std::string device;  // as configured: "/dev/sdf"
  std::string slot;    // "f"
  std::string name;    // the Name tag, placeholders already replaced
  int line = 0;        // in the user data
};

struct InstancePlace {
  std::string instance_id;
  std::string availability_zone;
};

struct VolumeTimeouts {
  int64_t available_ms = 20 * 60 * 1000;  // for a volume to become available (--volume-timeout)
  int64_t attach_ms = 5 * 60 * 1000;      // AttachVolume until the state is `attached`
  int64_t device_ms = 2 * 60 * 1000;      // `attached` until the disk and its node exist
  int64_t search_poll_ms = 5000;          // DescribeVolumes while waiting for an available volume
  int64_t attach_poll_ms = 500;           // DescribeVolumes while a volume is attaching (seconds, usually)
  int64_t device_poll_ms = 100;           // sysfs while waiting for the disk
  int64_t progress_ms = 30000;            // at least one log line per waiting volume this often
  // The stage's time budget (in the initramfs): a monotonic time past which the run stops waiting
  // and is deferred (deferred() says so) instead of failing. 0: none.
  int64_t defer_at_ms = 0;
};

struct AttachedVolume {
  VolumeRequest request;
  std::string volume_id;
  EbsDevice device;
  bool kept = false;               // already attached to this instance when the step began
  std::vector<std::string> links;  // /dev/sdX, /dev/xvdX made by this run
};

class VolumeAttacher {
 public:
  VolumeAttacher(VolumeApi& api, const EbsDeviceLocator& devices, Clock& clock, InstancePlace place, VolumeTimeouts timeouts = {})
      : api_(api), devices_(devices), clock_(clock), place_(std::move(place)), timeouts_(timeouts) {}

  // Every request attached and its disk present, or the first reason it cannot be, naming the
  // entry, and which volumes were left attached or attaching. When the time budget ends a wait,
  // the error says what was awaited and deferred() is true: not a failure, a later run goes on.
  Result<std::vector<AttachedVolume>> run(const std::vector<VolumeRequest>& requests);
  bool deferred() const { return deferred_; }

 private:
  VolumeApi& api_;
  const EbsDeviceLocator& devices_;
  Clock& clock_;
  InstancePlace place_;
  VolumeTimeouts timeouts_;
  bool deferred_ = false;
};

}  // namespace taupage
