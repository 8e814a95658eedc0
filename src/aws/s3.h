/// S3 GetObject: virtual-hosted URLs on AWS, path-style when the endpoint is overridden (the
/// stand-in, S3-compatible stores). When the bucket lives in another region (PermanentRedirect,
/// AuthorizationHeaderMalformed, a 403 naming another region), the region the answer names
/// (x-amz-bucket-region, <Region>, <Endpoint> or the message) is followed once.
#pragma once

#include <string>

#include "aws/aws_service.h"
#include "util/result.h"

namespace taupage {

class S3Client {
 public:
  explicit S3Client(AwsService& service) : service_(service) {}

  Result<std::string> get_object(const std::string& bucket, const std::string& key);

  const AwsError& last_error() const { return service_.last_error(); }

 private:
  AwsService& service_;
};

}  // namespace taupage
