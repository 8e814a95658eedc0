#include "aws/kms.h"

#include "util/base64.h"
#include "util/json.h"

namespace taupage {

Result<Secret> KmsClient::decrypt(const std::string& ciphertext_base64) {
  if (std::string problem = base64_problem(ciphertext_base64); !problem.empty())
    return Error("Decrypt: the ciphertext is not base64: " + problem);
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "TrentService.Decrypt"}};
  Json body = Json::object();
  body.set("CiphertextBlob", ciphertext_base64);
  request.body = body.dump();
  auto response = service_.call("Decrypt", request, AwsProtocol::Json);
  if (!response) return response.error();
  auto json = parse_json(response->body, JsonLimits{1024 * 1024, 8});
  std::string plaintext_b64 = json && json->is_object() ? json->get_string("Plaintext") : std::string();
  for (auto& c : response->body) c = 0;  // the answer held the plaintext
  if (!json || !json->is_object()) return Error("Decrypt: the answer is not a JSON object");
  auto plaintext = base64_decode(plaintext_b64);
  for (auto& c : plaintext_b64) c = 0;
  if (!plaintext || plaintext->empty()) return Error("Decrypt: the answer has no valid Plaintext");
  Secret secret(std::move(*plaintext));
  return secret;
}

}  // namespace taupage
