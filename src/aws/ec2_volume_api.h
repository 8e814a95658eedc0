/// VolumeApi over the real EC2 client: DescribeVolumes filtered by Name tag and availability zone
/// (all pages), and AttachVolume.
#pragma once

#include "aws/ec2.h"
#include "aws/volume_api.h"

namespace taupage {

class Ec2VolumeApi : public VolumeApi {
 public:
  explicit Ec2VolumeApi(AwsService& ec2) : ec2_(ec2) {}
  Result<std::vector<Volume>> volumes_named(const std::vector<std::string>& names, const std::string& availability_zone) override;
  Result<VolumeAttachment> attach(const std::string& volume_id, const std::string& instance_id, const std::string& device) override;
  const AwsError& last_error() const override { return ec2_.last_error(); }

 private:
  Ec2Client ec2_;
};

}  // namespace taupage
