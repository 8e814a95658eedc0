/// EC2 through its query API (2016-11-15): DescribeVolumes with filters, following NextToken,
/// and AttachVolume. Only the fields the volume steps use are read from the answers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "aws/aws_service.h"
#include "util/result.h"

namespace taupage {

struct VolumeAttachment {
  std::string instance_id;
  std::string device;
  std::string status;  // attaching, attached, detaching, detached, busy
};

struct Volume {
  std::string id;
  std::string availability_zone;
  std::string status;  // creating, available, in-use, deleting, deleted, error
  int64_t size_gib = 0;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<VolumeAttachment> attachments;
  std::string tag(const std::string& key) const;
};

struct Ec2Filter {
  std::string name;  // "tag:Name", "status", "availability-zone", ...
  std::vector<std::string> values;
};

class Ec2Client {
 public:
  explicit Ec2Client(AwsService& service) : service_(service) {}

  Result<std::vector<Volume>> describe_volumes(const std::vector<Ec2Filter>& filters, const std::vector<std::string>& volume_ids = {});
  // The attachment as AttachVolume answered it (normally "attaching").
  Result<VolumeAttachment> attach_volume(const std::string& volume_id, const std::string& instance_id, const std::string& device);

  const AwsError& last_error() const { return service_.last_error(); }

  static constexpr int kMaxPages = 100;

 private:
  AwsService& service_;
};

// The volumes of one DescribeVolumes answer and its NextToken (empty on the last page).
Result<std::pair<std::vector<Volume>, std::string>> parse_describe_volumes(const std::string& xml);

}  // namespace taupage
