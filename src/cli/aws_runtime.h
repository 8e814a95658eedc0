/// The real AWS plumbing of one taupage process: the HTTP client (DNS, TLS with the CA bundle
/// found under --root) and the AWS session over it, configured from the process environment.
#pragma once

#include <string>

#include "aws/aws_session.h"
#include "net/http_client.h"

namespace taupage {

struct AwsRuntime {
  explicit AwsRuntime(const std::string& root = "/");
  RealHttpClient http;
  AwsSession session;
};

}  // namespace taupage
