/// An error answer from AWS, read from whichever shape the service's protocol uses: EC2
/// (<Response><Errors><Error>), query (<ErrorResponse><Error>), JSON ({"__type","message"}) or
/// S3's REST-XML (<Error>). A body that cannot be read still gives the HTTP status.
#pragma once

#include <string>
#include <string_view>

#include "net/http.h"

namespace taupage {

enum class AwsProtocol { Ec2, Query, Json, RestXml };

struct AwsError {
  int status = 0;    // 0: no response at all (connection, TLS, timeout, broken answer)
  std::string code;  // "InvalidCiphertextException"; empty when unknown
  std::string message;
  std::string request_id;
  std::string bucket_region;  // S3: x-amz-bucket-region (or <Region>, <Endpoint>), when the bucket lives elsewhere
  bool permanent = false;     // no response, and none will come by retrying (TLS verification, CA bundle)

  bool throttling() const;
  // "InvalidCiphertextException: the message (HTTP 400)" or, without a response, the message.
  std::string describe() const;
};

AwsError parse_aws_error(AwsProtocol protocol, const HttpResponse& response);

// The region in an S3 host name ("bucket.s3.us-west-2.amazonaws.com" -> "us-west-2"); empty when none.
std::string region_of_s3_host(std::string_view host);

}  // namespace taupage
