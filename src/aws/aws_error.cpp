#include "aws/aws_error.h"

#include "aws/retry_policy.h"
#include "aws/xml_reader.h"
#include "util/json.h"
#include "util/strings.h"

namespace taupage {

bool AwsError::throttling() const { return is_throttling_code(code) || status == 429; }

std::string AwsError::describe() const {
  if (status == 0) return message;
  std::string text = code.empty() ? "HTTP " + std::to_string(status) : code;
  if (!message.empty()) text += ": " + message;
  if (!code.empty()) text += strfmt(" (HTTP %d)", status);
  return text;
}

std::string region_of_s3_host(std::string_view host) {
  // "bucket.s3.us-west-2.amazonaws.com", "s3-us-west-2.amazonaws.com", "bucket.s3.dualstack.us-west-2.amazonaws.com"
  size_t end = host.find(".amazonaws.com");
  if (end == std::string_view::npos) return {};
  std::string_view front = host.substr(0, end);
  size_t dot = front.rfind('.');
  std::string_view last = dot == std::string_view::npos ? front : front.substr(dot + 1);
  if (last.substr(0, 3) == "s3-") last.remove_prefix(3);
  if (last == "s3" || last.find('-') == std::string_view::npos) return {};
  return std::string(last);
}

AwsError parse_aws_error(AwsProtocol protocol, const HttpResponse& response) {
  AwsError error;
  error.status = response.status;
  error.request_id = response.header("x-amzn-RequestId");
  error.bucket_region = response.header("x-amz-bucket-region");
  if (protocol == AwsProtocol::Json) {
    if (auto json = parse_json(response.body, JsonLimits{1024 * 1024, 16}); json && json->is_object()) {
      std::string type = json->get_string("__type");
      error.code = type.substr(type.rfind('#') == std::string::npos ? 0 : type.rfind('#') + 1);
      error.message = json->get_string("message", json->get_string("Message"));
    }
    if (error.code.empty()) {
      std::string header = response.header("x-amzn-ErrorType");
      error.code = header.substr(0, header.find(':'));
    }
  } else if (auto xml = parse_xml(response.body, XmlLimits{1024 * 1024, 16, 1000})) {
    const XmlElement* e = xml->name == "Error" ? &*xml : xml->find("Error");
    if (e) {
      error.code = std::string(trim(e->child_text("Code")));
      error.message = std::string(trim(e->child_text("Message")));
      // S3 names the bucket's region in the body when the header is missing:
      // AuthorizationHeaderMalformed has <Region>, PermanentRedirect <Endpoint>.
      if (error.bucket_region.empty() && protocol == AwsProtocol::RestXml) {
        error.bucket_region = std::string(trim(e->child_text("Region")));
        if (error.bucket_region.empty()) error.bucket_region = region_of_s3_host(trim(e->child_text("Endpoint")));
      }
    }
    std::string id = xml->child_text(protocol == AwsProtocol::Ec2 ? "RequestID" : "RequestId");
    if (!id.empty()) error.request_id = id;
  }
  if (error.message.empty() && error.code.empty())
    error.message = response.reason.empty() ? "no error details in the answer" : response.reason;
  // A short, printable message: AWS messages are plain text, but a broken answer may not be.
  if (error.message.size() > 300) error.message = error.message.substr(0, 300) + "...";
  for (auto& c : error.message) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return error;
}

}  // namespace taupage
