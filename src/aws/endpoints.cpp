#include "aws/endpoints.h"

#include <cctype>

#include "util/strings.h"

namespace taupage {

namespace {
std::string env_name(const std::string& service) {
  std::string upper;
  for (char c : service) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "AWS_ENDPOINT_URL_" + upper;
}

std::string overridden_url(const std::string& service, const Environment& env) {
  std::string url = env(env_name(service));
  if (url.empty()) url = env("AWS_ENDPOINT_URL");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}
}  // namespace

bool valid_region(const std::string& region) {
  if (region.empty() || region.size() > 32) return false;
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool endpoint_overridden(const std::string& service, const Environment& env) { return !overridden_url(service, env).empty(); }

Result<std::string> endpoint_url(const std::string& service, const std::string& region, const Environment& env) {
  if (std::string url = overridden_url(service, env); !url.empty()) {
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
      return Error(
          strfmt("%s or AWS_ENDPOINT_URL is %s: it must start with https:// or http://", env_name(service).c_str(), quote(url).c_str()));
    }
    return url;
  }
  if (!valid_region(region)) return Error("invalid AWS region " + quote(region));
  std::string suffix = region.rfind("cn-", 0) == 0 ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://" + service + "." + region + suffix;
}

}  // namespace taupage
