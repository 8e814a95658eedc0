/// The two EC2 calls the volumes step makes, behind a narrow interface: the real one goes through
/// Ec2Client (ec2_volume_api.h); unit tests use a scripted double, so every branch of the attach
/// decisions (kept, attach, wait, race lost, ambiguous, timeout) is tested without AWS.
#pragma once

#include <string>
#include <vector>

#include "aws/aws_error.h"
#include "aws/ec2.h"
#include "util/result.h"

namespace taupage {

class VolumeApi {
 public:
  virtual ~VolumeApi() = default;
  // Every volume whose Name tag is one of `names` in `availability_zone`, whatever its state
  // (available, in-use by anyone, creating), so that a wait can say what holds a volume.
  virtual Result<std::vector<Volume>> volumes_named(const std::vector<std::string>& names, const std::string& availability_zone) = 0;
  // AttachVolume; the answer's attachment (normally "attaching").
  virtual Result<VolumeAttachment> attach(const std::string& volume_id, const std::string& instance_id, const std::string& device) = 0;
  // The parts of the last refused call: the code tells a lost race (IncorrectState, VolumeInUse)
  // and throttling from a real failure.
  virtual const AwsError& last_error() const = 0;
};

}  // namespace taupage
