#include "aws/ecr.h"

#include "aws/endpoints.h"
#include "util/base64.h"
#include "util/json.h"
#include "util/strings.h"

namespace taupage {

std::optional<EcrRegistry> parse_ecr_registry(const std::string& host) {
  auto parts = split(host, '.');
  if (parts.size() < 6 || parts[1] != "dkr" || parts[2] != "ecr" || parts[4] != "amazonaws" || parts[5] != "com") return std::nullopt;
  if (!(parts.size() == 6 || (parts.size() == 7 && parts[6] == "cn"))) return std::nullopt;
  if (parts[0].size() != 12 || !is_all_digits(parts[0]) || !valid_region(parts[3])) return std::nullopt;
  return EcrRegistry{parts[0], parts[3]};
}

Result<EcrLogin> EcrClient::login(const EcrRegistry& registry) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"}};
  Json ids = Json::array();
  ids.push(registry.account);
  Json body = Json::object();
  body.set("registryIds", ids);
  request.body = body.dump();
  CallOptions options;
  // The API lives at api.ecr.<region>; the signing name is "ecr" (AWS_ENDPOINT_URL_ECR overrides).
  if (!endpoint_overridden("ecr", service_.deps().env)) {
    options.url = "https://api.ecr." + registry.region + (registry.region.rfind("cn-", 0) == 0 ? ".amazonaws.com.cn" : ".amazonaws.com");
  }
  auto response = service_.call("GetAuthorizationToken", request, AwsProtocol::Json, options);
  if (!response) return response.error();
  auto json = parse_json(response->body, JsonLimits{1 << 20, 8});
  for (auto& c : response->body) c = 0;  // the answer held the token
  if (!json || !json->is_object()) return Error("GetAuthorizationToken: the answer is not a JSON object");
  const Json& data = json->get("authorizationData");
  if (!data.is_array() || data.size() == 0) return Error("GetAuthorizationToken: the answer has no authorizationData");
  auto token = base64_decode(data[0].get_string("authorizationToken"));
  if (!token) return Error("GetAuthorizationToken: the authorizationToken is not base64");
  Secret pair(std::move(*token));
  auto colon = pair.reveal().find(':');
  if (colon == std::string::npos) return Error("GetAuthorizationToken: the authorizationToken is not user:password");
  return EcrLogin{pair.reveal().substr(0, colon), Secret(pair.reveal().substr(colon + 1))};
}

}  // namespace taupage
