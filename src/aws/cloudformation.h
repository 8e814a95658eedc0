/// CloudFormation SignalResource. First as cfn-signal does it, which needs no IAM permission: a
/// GET with the query parameters and `Authorization: CFN_V1 <base64 identity document>:<its
/// signature without newlines>`; SigV4 with the instance's credentials is the fallback when that
/// is refused or no identity is at hand.
#pragma once

#include <optional>
#include <string>

#include "aws/aws_service.h"
#include "util/result.h"

namespace taupage {

struct InstanceProof {
  std::string document;   // the instance identity document, exactly as IMDS served it
  std::string signature;  // its signature as served (newlines are removed when sent)
};

struct SignalRequest {
  std::string stack;
  std::string resource;
  std::string unique_id;  // the instance id
  std::string status;     // SUCCESS or FAILURE
};

class CloudFormationClient {
 public:
  explicit CloudFormationClient(AwsService& service) : service_(service) {}

  // proof: when given, CFN_V1 first; on an authentication refusal, SigV4.
  Status signal_resource(const SignalRequest& signal, const std::optional<InstanceProof>& proof);

  const AwsError& last_error() const { return service_.last_error(); }
  // How the last successful signal was authenticated: "CFN_V1" or "SigV4".
  const std::string& used_auth() const { return used_auth_; }

 private:
  AwsService& service_;
  std::string used_auth_;
};

std::string cfn_v1_authorization(const InstanceProof& proof);

}  // namespace taupage
