#include "aws/ec2_volume_api.h"

namespace taupage {

Result<std::vector<Volume>> Ec2VolumeApi::volumes_named(const std::vector<std::string>& names, const std::string& availability_zone) {
  return ec2_.describe_volumes({{"tag:Name", names}, {"availability-zone", {availability_zone}}});
}

Result<VolumeAttachment> Ec2VolumeApi::attach(const std::string& volume_id, const std::string& instance_id, const std::string& device) {
  return ec2_.attach_volume(volume_id, instance_id, device);
}

}  // namespace taupage
