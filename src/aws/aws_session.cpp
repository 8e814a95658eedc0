#include "aws/aws_session.h"

#include "aws/endpoints.h"

namespace taupage {

AwsSession::AwsSession(HttpClient& http, Clock& clock, Environment env, RandomSource random, ImdsOptions imds_options)
    : clock_(clock),
      imds_(http, clock, env, imds_options),
      credentials_(env, imds_, clock),
      deps_(http, credentials_, clock, env, std::move(random)) {}

Result<std::string> AwsSession::region() {
  if (region_) return *region_;
  std::string region = deps_.env("AWS_REGION");
  if (region.empty()) {
    auto identity = imds_.identity();
    if (!identity) return Error(identity.error()).wrap("the instance's region");
    region = identity->region;
  }
  if (!valid_region(region)) return Error("invalid AWS region " + region);
  region_ = region;
  return region;
}

Result<AwsService*> AwsSession::service(const std::string& name) {
  auto it = services_.find(name);
  if (it != services_.end()) return it->second.get();
  auto r = region();
  if (!r) return r.error();
  auto service = std::make_unique<AwsService>(deps_, name, *r);
  AwsService* raw = service.get();
  services_[name] = std::move(service);
  return raw;
}

}  // namespace taupage
