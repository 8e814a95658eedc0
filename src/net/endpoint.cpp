// Endpoint::parse and text(): the URLs of AWS_ENDPOINT_URL*, AWS_EC2_METADATA_SERVICE_ENDPOINT
// and DOCKER_HOST, read strictly: a typo gives an error naming the URL, never a guess.
#include <cctype>

#include "net/http.h"
#include "net/ip_address.h"
#include "util/strings.h"

namespace taupage {

static bool valid_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

Result<Endpoint> Endpoint::parse(std::string_view url) {
  auto fail = [&](const std::string& why) { return Error(why).wrap("endpoint " + quote(url)); };
  Endpoint endpoint;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return fail("expected scheme://host (http, https, unix or tcp)");
  std::string scheme = to_lower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  if (scheme == "unix") {
    if (rest.empty() || rest[0] != '/') return fail("expected unix:///absolute/path/to.sock");
    endpoint.scheme = "unix";
    endpoint.host = "localhost";
    endpoint.socket_path = std::string(rest);
    return endpoint;
  }
  if (scheme == "tcp") {
    endpoint.scheme = "http";  // Docker's tcp:// is plain HTTP
    endpoint.port = 2375;
  } else if (scheme == "http") {
    endpoint.scheme = "http";
    endpoint.port = 80;
  } else if (scheme == "https") {
    endpoint.scheme = "https";
    endpoint.port = 443;
  } else {
    return fail("unknown scheme " + quote(scheme) + " (expected http, https, unix or tcp)");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) return fail("a query or fragment does not belong in an endpoint");
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return fail("user information in an endpoint is not supported");
  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return fail("unexpected text after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return fail("empty port");
    }
    auto literal = IpAddress::parse(host);
    if (!literal || !literal->v6) return fail("invalid IPv6 address " + quote(host));
  } else {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return fail("empty port");
    }
    if (!valid_host_name(host)) return fail(host.empty() ? "missing host" : "invalid host name " + quote(host));
  }
  if (!port_text.empty()) {
    auto port = parse_uint(port_text);
    if (!port || *port == 0 || *port > 65535) return fail("invalid port " + quote(port_text));
    endpoint.port = static_cast<uint16_t>(*port);
  }
  endpoint.host = to_lower(host);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  endpoint.base_path = std::string(path);
  return endpoint;
}

std::string Endpoint::text() const {
  if (scheme == "unix") return "unix://" + socket_path;
  std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  uint16_t default_port = scheme == "https" ? 443 : 80;
  if (port != 0 && port != default_port) host_part += strfmt(":%u", port);
  return scheme + "://" + host_part + base_path;
}

}  // namespace taupage
