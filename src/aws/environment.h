/// The process environment as a lookup function, so that endpoint, credential and retry
/// settings (AWS_REGION, AWS_ENDPOINT_URL_KMS, AWS_MAX_ATTEMPTS, ...) can be given by tests
/// without touching the real environment.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace taupage {

// The value of a variable, or empty when unset.
using Environment = std::function<std::string(const std::string& name)>;

Environment process_environment();
Environment fixed_environment(std::map<std::string, std::string> values);

}  // namespace taupage
