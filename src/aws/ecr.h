/// Amazon ECR's GetAuthorizationToken (JSON 1.1 protocol, signing name "ecr"): the registry
/// login for <account>.dkr.ecr.<region>.amazonaws.com, fetched with our own SigV4 client so that
/// no docker-credential-ecr-login program is needed. The token is a base64 "AWS:<password>".
#pragma once

#include <optional>
#include <string>

#include "aws/aws_service.h"
#include "util/result.h"
#include "util/secret.h"

namespace taupage {

struct EcrRegistry {
  std::string account;  // 12 digits
  std::string region;
};

// "123456789012.dkr.ecr.eu-central-1.amazonaws.com" (also .com.cn) -> account and region.
std::optional<EcrRegistry> parse_ecr_registry(const std::string& host);

struct EcrLogin {
  std::string username;  // "AWS"
  Secret password;
};

class EcrClient {
 public:
  // `service`: an AwsService for "ecr" in the registry's region.
  explicit EcrClient(AwsService& service) : service_(service) {}
  Result<EcrLogin> login(const EcrRegistry& registry);

 private:
  AwsService& service_;
};

}  // namespace taupage
