/// Everything a process needs to talk to AWS, made once: IMDS, the credentials chain, the shared
/// call settings (retries, learned clock offset) and the services of the instance's region
/// (AWS_REGION overrides the region from the identity document).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "aws/aws_service.h"
#include "aws/credentials_provider.h"
#include "aws/environment.h"
#include "aws/imds.h"
#include "aws/retry_policy.h"
#include "net/http.h"
#include "util/clock.h"

namespace taupage {

class AwsSession {
 public:
  AwsSession(HttpClient& http, Clock& clock, Environment env, RandomSource random, ImdsOptions imds_options = {});

  Imds& imds() { return imds_; }
  Clock& clock() { return clock_; }
  const Environment& env() const { return deps_.env; }
  // AWS_REGION, else the instance's region.
  Result<std::string> region();
  // A service ("kms", "ec2", "cloudformation", "s3") in region(); it lives as long as the session.
  Result<AwsService*> service(const std::string& name);

 private:
  Clock& clock_;
  Imds imds_;
  DefaultCredentials credentials_;
  AwsDeps deps_;
  std::optional<std::string> region_;
  std::map<std::string, std::unique_ptr<AwsService>> services_;
};

}  // namespace taupage
