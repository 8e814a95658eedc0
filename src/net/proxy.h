/// Proxies as the AWS SDKs and the AWS CLI read them from the environment: HTTPS_PROXY for
/// https:// endpoints, HTTP_PROXY for http:// ones, NO_PROXY for hosts reached directly (the
/// lower-case spellings win over the upper-case ones, as in botocore and curl).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "net/http.h"
#include "util/result.h"

namespace taupage {

class ProxySettings {
 public:
  // Reads http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY and no_proxy/NO_PROXY through `getenv`
  // (a lookup returning "" when unset).
  static ProxySettings from_environment(const std::function<std::string(const std::string&)>& getenv);

  // The proxy for a connection to `endpoint`, nullopt when it goes direct (no proxy for its
  // scheme, NO_PROXY matches, or a unix socket). An error names the variable that is unusable.
  Result<std::optional<HttpProxy>> for_endpoint(const Endpoint& endpoint) const;
  bool any() const { return !http_.empty() || !https_.empty(); }

 private:
  std::string http_, http_name_;
  std::string https_, https_name_;
  std::string no_proxy_;
};

// "http://user:pass@proxy.internal:3128", "proxy.internal:3128" (http:// assumed), "[fd00::1]:3128".
// Only plain-HTTP proxies: an https:// or socks proxy is an error naming `variable`.
Result<HttpProxy> parse_proxy_url(std::string_view value, std::string_view variable);

// Whether NO_PROXY lets `host` (lower case, IPv6 without brackets) on `port` go direct. Entries
// are separated by commas or spaces: "*" (every host), a host name that also covers its
// subdomains (a leading "." or "*." changes nothing), an IP address, a CIDR block
// ("10.0.0.0/8", "fd00::/8"), each optionally with ":port" ("[::1]:8080" for IPv6).
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, uint16_t port);

}  // namespace taupage
