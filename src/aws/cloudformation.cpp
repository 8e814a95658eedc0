#include "aws/cloudformation.h"

#include "util/base64.h"
#include "util/log.h"

namespace taupage {

namespace {
constexpr const char* kVersion = "2010-05-15";

std::vector<std::pair<std::string, std::string>> signal_params(const SignalRequest& signal) {
  return {{"Action", "SignalResource"},           {"Version", kVersion},          {"StackName", signal.stack},
          {"LogicalResourceId", signal.resource}, {"UniqueId", signal.unique_id}, {"Status", signal.status}};
}

bool authentication_refused(const AwsError& error) {
  return error.status == 401 || error.status == 403 || error.code == "SignatureDoesNotMatch" || error.code == "InvalidClientTokenId" ||
         error.code == "AccessDenied" || error.code == "IncompleteSignature" || error.code == "MissingAuthenticationToken";
}
}  // namespace

std::string cfn_v1_authorization(const InstanceProof& proof) {
  std::string signature;
  for (char c : proof.signature) {
    if (c != '\n' && c != '\r') signature += c;
  }
  return "CFN_V1 " + base64_encode(proof.document) + ":" + signature;
}

Status CloudFormationClient::signal_resource(const SignalRequest& signal, const std::optional<InstanceProof>& proof) {
  if (signal.status != "SUCCESS" && signal.status != "FAILURE") return Error("SignalResource: status must be SUCCESS or FAILURE");
  if (proof) {
    HttpRequest request;
    request.method = "GET";
    request.target = "/?" + form_encode(signal_params(signal));
    request.headers = {{"Authorization", cfn_v1_authorization(*proof)}};
    CallOptions options;
    options.sign = false;
    auto response = service_.call("SignalResource", request, AwsProtocol::Query, options);
    if (response) {
      used_auth_ = "CFN_V1";
      return {};
    }
    if (!authentication_refused(service_.last_error())) return response.error();
    Log::warn("SignalResource: CloudFormation refused the instance identity (" + service_.last_error().describe() +
              "); signing with the instance's credentials instead");
  }
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = form_encode(signal_params(signal));
  auto response = service_.call("SignalResource", request, AwsProtocol::Query);
  if (!response) return response.error();
  used_auth_ = "SigV4";
  return {};
}

}  // namespace taupage
