#include "cli/aws_runtime.h"

namespace taupage {

namespace {
HttpClientOptions options_for(const std::string& root) {
  HttpClientOptions options;
  options.root = root;
  return options;
}
}  // namespace

AwsRuntime::AwsRuntime(const std::string& root)
    : http(options_for(root)), session(http, real_clock(), process_environment(), system_random()) {}

}  // namespace taupage
