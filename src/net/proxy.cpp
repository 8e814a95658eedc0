#include "net/proxy.h"

#include <cctype>

#include "net/ip_address.h"
#include "util/base64.h"
#include "util/strings.h"

namespace taupage {

namespace {

// The lower-case variable when it is set, else the upper-case one; `name` says which was used.
std::string pick(const std::function<std::string(const std::string&)>& getenv, const std::string& lower, std::string& name) {
  std::string upper = to_lower(lower);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string value(trim(getenv(lower)));
  name = lower;
  if (value.empty()) {
    value = std::string(trim(getenv(upper)));
    name = upper;
  }
  return value;
}

int hex_value(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
    i += 2;
  }
  return out;
}

// Whether `address` lies in the block "a.b.c.d/n" or "v6/n".
bool in_block(const IpAddress& address, std::string_view block) {
  size_t slash = block.find('/');
  auto base = IpAddress::parse(block.substr(0, slash));
  auto bits = parse_uint(block.substr(slash + 1));
  if (!base || !bits || base->v6 != address.v6 || *bits > (base->v6 ? 128u : 32u)) return false;
  for (uint64_t i = 0; i < *bits; ++i) {
    uint8_t mask = static_cast<uint8_t>(0x80u >> (i % 8));
    if ((address.bytes[i / 8] & mask) != (base->bytes[i / 8] & mask)) return false;
  }
  return true;
}

bool entry_matches(std::string_view entry, std::string_view host, uint16_t port) {
  if (entry == "*") return true;
  // An optional ":port" ("[::1]:8080", "example.com:443"); a bare IPv6 address has no port.
  std::string_view name = entry;
  if (!name.empty() && name.front() == '[') {
    size_t close = name.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view after = name.substr(close + 1);
    name = name.substr(1, close - 1);
    if (!after.empty()) {
      auto p = after.front() == ':' ? parse_uint(after.substr(1)) : std::nullopt;
      if (!p || *p != port) return false;
    }
  } else if (size_t colon = name.rfind(':'); colon != std::string_view::npos && name.find(':') == colon) {
    auto p = parse_uint(name.substr(colon + 1));
    if (!p || *p != port) return false;
    name = name.substr(0, colon);
  }
  auto host_ip = IpAddress::parse(host);
  if (name.find('/') != std::string_view::npos) return host_ip && in_block(*host_ip, name);
  if (auto ip = IpAddress::parse(name)) return host_ip && *ip == *host_ip;
  if (name.substr(0, 2) == "*.") name.remove_prefix(2);
  while (!name.empty() && name.front() == '.') name.remove_prefix(1);
  if (name.empty()) return false;
  std::string lower = to_lower(name);
  if (host == lower) return true;
  return host.size() > lower.size() && host.substr(host.size() - lower.size()) == lower && host[host.size() - lower.size() - 1] == '.';
}

}  // namespace

bool no_proxy_matches(std::string_view no_proxy, std::string_view host, uint16_t port) {
  std::string list(no_proxy);
  for (auto& c : list) {
    if (c == ' ' || c == '\t') c = ',';
  }
  for (const auto& entry : split(list, ',')) {
    if (!trim(entry).empty() && entry_matches(trim(entry), host, port)) return true;
  }
  return false;
}

Result<HttpProxy> parse_proxy_url(std::string_view value, std::string_view variable) {
  auto fail = [&](const std::string& why) {
    // The value itself may hold a password: only its host part is ever named.
    return Error(std::string(variable) + " is not a usable proxy: " + why);
  };
  std::string_view rest = value;
  if (size_t sep = rest.find("://"); sep != std::string_view::npos) {
    std::string scheme = to_lower(rest.substr(0, sep));
    if (scheme == "https") return fail("an https:// proxy (TLS to the proxy itself) is not supported; use http://");
    if (scheme != "http") return fail("the scheme " + quote(scheme) + " is not supported (only http:// proxies)");
    rest = rest.substr(sep + 3);
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#") != std::string_view::npos) return fail("a proxy URL has no path");
  HttpProxy proxy;
  std::string user;
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view info = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = info.find(':');
    auto name = percent_decode(info.substr(0, colon));
    auto password = percent_decode(colon == std::string_view::npos ? std::string_view() : info.substr(colon + 1));
    if (!name || !password) return fail("a broken %-escape in its user information");
    user = *name;
    proxy.authorization = "Basic " + base64_encode(*name + ":" + *password);
  }
  auto endpoint = Endpoint::parse("http://" + std::string(rest));
  if (!endpoint) return fail("expected http://[user:password@]host[:port]");
  proxy.host = endpoint->host;
  proxy.port = endpoint->port;
  std::string host = proxy.host.find(':') != std::string::npos ? "[" + proxy.host + "]" : proxy.host;
  proxy.url = "http://" + (user.empty() ? "" : user + "@") + host + strfmt(":%u", proxy.port);
  return proxy;
}

ProxySettings ProxySettings::from_environment(const std::function<std::string(const std::string&)>& getenv) {
  ProxySettings settings;
  settings.http_ = pick(getenv, "http_proxy", settings.http_name_);
  settings.https_ = pick(getenv, "https_proxy", settings.https_name_);
  std::string ignored;
  settings.no_proxy_ = pick(getenv, "no_proxy", ignored);
  return settings;
}

Result<std::optional<HttpProxy>> ProxySettings::for_endpoint(const Endpoint& endpoint) const {
  const bool https = endpoint.scheme == "https";
  if (endpoint.scheme != "http" && !https) return std::optional<HttpProxy>();
  const std::string& value = https ? https_ : http_;
  if (value.empty() || no_proxy_matches(no_proxy_, endpoint.host, endpoint.port)) return std::optional<HttpProxy>();
  auto proxy = parse_proxy_url(value, https ? https_name_ : http_name_);
  if (!proxy) return std::move(proxy).error();
  return std::optional<HttpProxy>(std::move(*proxy));
}

}  // namespace taupage
