#include "aws/s3.h"

#include "aws/endpoints.h"
#include "aws/uri_encoding.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

namespace {
// Where S3 says the bucket lives: the header or body (AwsError), else the message of
// AuthorizationHeaderMalformed ("... the region 'us-east-1' is wrong; expecting 'us-west-2'").
std::string region_from(const AwsError& error) {
  if (!error.bucket_region.empty()) return error.bucket_region;
  const std::string marker = "expecting '";
  size_t at = error.message.find(marker);
  if (at == std::string::npos) return {};
  size_t start = at + marker.size();
  size_t end = error.message.find('\'', start);
  return end == std::string::npos ? std::string() : error.message.substr(start, end - start);
}
}  // namespace

Result<std::string> S3Client::get_object(const std::string& bucket, const std::string& key) {
  if (bucket.empty() || key.empty()) return Error("GetObject: bucket and key must not be empty");
  bool path_style = endpoint_overridden("s3", service_.deps().env);
  std::string region = service_.region();
  for (int hop = 0; hop < 2; ++hop) {
    HttpRequest request;
    request.method = "GET";
    CallOptions options;
    options.s3 = true;
    options.region = region;
    std::string encoded_key = uri_encode(key, true);
    if (path_style) {
      request.target = "/" + uri_encode(bucket) + "/" + encoded_key;
    } else {
      auto url = endpoint_url("s3", region, service_.deps().env);
      if (!url) return url.error();
      options.url = "https://" + bucket + "." + url->substr(8);
      request.target = "/" + encoded_key;
    }
    auto response = service_.call("GetObject s3://" + bucket + "/" + key, request, AwsProtocol::RestXml, options);
    if (response) return std::move(response->body);
    // The bucket is elsewhere: S3 names its region in the error answer.
    const AwsError& error = service_.last_error();
    std::string bucket_region = region_from(error);
    if (hop == 0 && !bucket_region.empty() && bucket_region != region && valid_region(bucket_region) &&
        (error.status == 301 || error.status == 307 || error.status == 400 || error.status == 403)) {
      Log::info("s3: bucket " + bucket + " is in " + bucket_region + ", not " + region + "; asking there");
      region = bucket_region;
      continue;
    }
    if (error.status == 301 && bucket_region.empty()) {
      return Error(response.error().message() + " (S3 did not say which region the bucket is in)");
    }
    return response.error();
  }
  return Error("GetObject s3://" + bucket + "/" + key + ": S3 sent the request to another region a second time; not followed");
}

}  // namespace taupage
