/// The decisions of the volumes step: for each volumes.ebs entry, keep the volume already attached
/// to this instance, attach the one available volume with that Name, or wait (bounded) for one to
/// become available; then wait for the `attached` state or the disk, whichever shows first (the
/// disk with the volume's serial is proof of the attachment, and saves a DescribeVolumes). All AttachVolume
/// requests go out before any wait, and one polling loop serves every pending volume. That loop is
/// the only retry layer for throttling (the EC2 client gives throttling answers back at once): a
/// round that EC2 throttled is followed by an exponential pause that starts at the account
/// bucket's refill time, with equal jitter, bounded (see VolumeTimeouts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aws/retry_policy.h"
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
  int64_t attach_poll_ms = 1000;          // DescribeVolumes while a volume is attaching (seconds, usually)
  int64_t device_poll_ms = 100;           // sysfs while waiting for the disk
  int64_t progress_ms = 30000;            // at least one log line per waiting volume this often
  // After a round that failed (a 5xx, no answer): a pause drawn from [0, ceiling) (full jitter),
  // the ceiling doubling from retry_base_ms each such round in a row up to retry_cap_ms.
  // After a round EC2 throttled: a pause drawn from [ceiling / 2, ceiling) (equal jitter), the
  // ceiling doubling from twice the time the account's bucket takes to refill from empty (EC2's
  // documented sizes: a filtered Describe 100 tokens at 20 a second, 5 s; a mutating call 50 at
  // 5 a second, 10 s) up to throttled_cap_ms. A throttled answer says the bucket is empty now and
  // that at least a bucketful of callers came together: asking again before a refill only meets
  // the empty bucket, and every such ask is a call. (A fleet of 500 at once made 2.2 times the
  // calls it needed with full jitter from 1 s; `make fleet`, docs/fleet.md.)
  // Never below retry_floor_ms. Spread out, a fleet's retries meet the account's refill, not each other.
  int64_t retry_base_ms = 1000;
  int64_t retry_cap_ms = 30000;
  int64_t describe_throttled_base_ms = 10000;
  int64_t attach_throttled_base_ms = 20000;
  int64_t throttled_cap_ms = 60000;
  int64_t retry_floor_ms = 100;
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
  VolumeAttacher(VolumeApi& api, const EbsDeviceLocator& devices, Clock& clock, InstancePlace place, VolumeTimeouts timeouts = {},
                 RandomSource random = system_random())
      : api_(api), devices_(devices), clock_(clock), place_(std::move(place)), timeouts_(timeouts), random_(std::move(random)) {}

  // Every request attached and its disk present, or the first reason it cannot be, naming the
  // entry, and which volumes were left attached or attaching. When the time budget ends a wait,
  // the error says what was awaited and deferred() is true: not a failure, a later run goes on.
  Result<std::vector<AttachedVolume>> run(const std::vector<VolumeRequest>& requests);
  bool deferred() const { return deferred_; }
  // Why a round is followed by a retry pause, which sets the pause's base and cap.
  enum class Refusal { Failure, DescribeThrottled, AttachThrottled };
  // The pause after the `round`th throttled or failed round in a row (1 for the first).
  int64_t retry_pause_ms(int round, Refusal why = Refusal::Failure) const;
  // A poll's pause: from interval_ms to twice it, so that instances started together do not poll
  // in step (a retry pause may be near 0; a poll that soon would only ask again for nothing).
  int64_t poll_pause(int64_t interval_ms) const;

 private:
  VolumeApi& api_;
  const EbsDeviceLocator& devices_;
  Clock& clock_;
  InstancePlace place_;
  VolumeTimeouts timeouts_;
  RandomSource random_;
  bool deferred_ = false;
};

}  // namespace taupage
