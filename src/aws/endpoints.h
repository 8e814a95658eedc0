/// Where each AWS service is reached: https://<service>.<region>.amazonaws.com (.amazonaws.com.cn
/// in China regions), unless AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL says otherwise, as
/// in the AWS SDKs. Tests point these at the stand-in; http:// is accepted there too.
#pragma once

#include <string>

#include "aws/environment.h"
#include "util/result.h"

namespace taupage {

// service is the SigV4 name: "ec2", "kms", "cloudformation", "s3".
Result<std::string> endpoint_url(const std::string& service, const std::string& region, const Environment& env);
// True when the endpoint came from AWS_ENDPOINT_URL[_<SERVICE>] (S3 then uses path-style URLs).
bool endpoint_overridden(const std::string& service, const Environment& env);
// "eu-central-1" and the like: lower-case letters, digits and dashes.
bool valid_region(const std::string& region);

}  // namespace taupage
