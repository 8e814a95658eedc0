// Proxy settings as the AWS SDKs read them: which variable applies to which endpoint, NO_PROXY
// entries (names and their subdomains, IP addresses, CIDR blocks, ports, "*"), proxy URLs with
// user information, and the errors for proxies Taupage cannot use.
#include <gtest/gtest.h>

#include <map>

#include "net/proxy.h"

namespace taupage {
namespace {

std::function<std::string(const std::string&)> env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) {
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
}

Endpoint endpoint(const std::string& url) { return *Endpoint::parse(url); }

TEST(NoProxy, NamesCoverTheirSubdomainsButNotLookAlikes) {
  const char* list = "example.com, .internal,*.corp.test";
  EXPECT_TRUE(no_proxy_matches(list, "example.com", 443));
  EXPECT_TRUE(no_proxy_matches(list, "s3.example.com", 443));
  EXPECT_FALSE(no_proxy_matches(list, "badexample.com", 443));
  EXPECT_TRUE(no_proxy_matches(list, "kms.internal", 443));
  EXPECT_TRUE(no_proxy_matches(list, "internal", 443));
  EXPECT_TRUE(no_proxy_matches(list, "a.b.corp.test", 443));
  EXPECT_FALSE(no_proxy_matches(list, "corp.testing", 443));
  EXPECT_TRUE(no_proxy_matches("EXAMPLE.COM", "example.com", 443));
  EXPECT_FALSE(no_proxy_matches("", "example.com", 443));
  EXPECT_FALSE(no_proxy_matches(" , ,", "example.com", 443));
  EXPECT_TRUE(no_proxy_matches("*", "anything.at.all", 1));
}

TEST(NoProxy, AddressesBlocksAndPorts) {
  EXPECT_TRUE(no_proxy_matches("169.254.169.254", "169.254.169.254", 80));
  EXPECT_FALSE(no_proxy_matches("169.254.169.254", "169.254.169.253", 80));
  EXPECT_TRUE(no_proxy_matches("10.0.0.0/8", "10.200.3.4", 443));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "11.0.0.1", 443));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "ten.example", 443));
  EXPECT_TRUE(no_proxy_matches("172.16.0.0/12", "172.31.255.255", 443));
  EXPECT_FALSE(no_proxy_matches("172.16.0.0/12", "172.32.0.0", 443));
  EXPECT_TRUE(no_proxy_matches("fd00::/8", "fd12::1", 443));
  EXPECT_FALSE(no_proxy_matches("fd00::/8", "10.0.0.1", 443));
  EXPECT_TRUE(no_proxy_matches("::1", "::1", 443));
  EXPECT_TRUE(no_proxy_matches("[::1]:8080", "::1", 8080));
  EXPECT_FALSE(no_proxy_matches("[::1]:8080", "::1", 443));
  EXPECT_TRUE(no_proxy_matches("example.com:8443", "api.example.com", 8443));
  EXPECT_FALSE(no_proxy_matches("example.com:8443", "api.example.com", 443));
  EXPECT_TRUE(no_proxy_matches("127.0.0.1:4443 127.0.0.2", "127.0.0.2", 1));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/33", "10.0.0.1", 443));
}

TEST(ProxyUrl, SchemeUserInformationAndDefaults) {
  auto plain = parse_proxy_url("proxy.internal:3128", "HTTPS_PROXY");
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(plain->host, "proxy.internal");
  EXPECT_EQ(plain->port, 3128);
  EXPECT_EQ(plain->url, "http://proxy.internal:3128");
  EXPECT_EQ(plain->authorization, "");
  auto with_user = parse_proxy_url("http://svc%40corp:p%3Ass@10.1.2.3:8080/", "https_proxy");
  ASSERT_TRUE(with_user) << with_user.error().message();
  EXPECT_EQ(with_user->host, "10.1.2.3");
  EXPECT_EQ(with_user->url, "http://svc@corp@10.1.2.3:8080");         // the password never shows
  EXPECT_EQ(with_user->authorization, "Basic c3ZjQGNvcnA6cDpzcw==");  // "svc@corp:p:ss"
  auto default_port = parse_proxy_url("http://[fd00::1]", "HTTP_PROXY");
  ASSERT_TRUE(default_port);
  EXPECT_EQ(default_port->port, 80);
  EXPECT_EQ(default_port->url, "http://[fd00::1]:80");
}

TEST(ProxyUrl, UnusableProxiesNameTheVariableAndNotThePassword) {
  auto tls = parse_proxy_url("https://user:hunter2@proxy:3128", "HTTPS_PROXY");
  ASSERT_FALSE(tls);
  EXPECT_NE(tls.error().message().find("HTTPS_PROXY is not a usable proxy: an https:// proxy"), std::string::npos);
  EXPECT_EQ(tls.error().message().find("hunter2"), std::string::npos);
  auto socks = parse_proxy_url("socks5://proxy:1080", "https_proxy");
  ASSERT_FALSE(socks);
  EXPECT_NE(socks.error().message().find("\"socks5\" is not supported"), std::string::npos) << socks.error().message();
  EXPECT_FALSE(parse_proxy_url("http://proxy:99999", "HTTP_PROXY"));
  EXPECT_FALSE(parse_proxy_url("http://proxy:3128/path", "HTTP_PROXY"));
  EXPECT_FALSE(parse_proxy_url("http://us%zzer:pw@proxy:3128", "HTTP_PROXY"));
}

TEST(ProxySettings, EachSchemeItsVariableLowerCaseFirstAndNoProxyWins) {
  auto settings = ProxySettings::from_environment(env_of({{"HTTPS_PROXY", "http://upper:3128"},
                                                          {"https_proxy", "http://lower:3128"},
                                                          {"HTTP_PROXY", "http://plain:8080"},
                                                          {"NO_PROXY", "direct.example,10.0.0.0/8"}}));
  auto https = settings.for_endpoint(endpoint("https://kms.eu-central-1.amazonaws.com"));
  ASSERT_TRUE(https && *https);
  EXPECT_EQ((*https)->host, "lower");
  auto http = settings.for_endpoint(endpoint("http://service.example:9000"));
  ASSERT_TRUE(http && *http);
  EXPECT_EQ((*http)->host, "plain");
  auto direct = settings.for_endpoint(endpoint("https://s3.direct.example"));
  ASSERT_TRUE(direct);
  EXPECT_FALSE(*direct);
  auto by_block = settings.for_endpoint(endpoint("https://10.1.1.1:8443"));
  ASSERT_TRUE(by_block);
  EXPECT_FALSE(*by_block);
  auto unix_socket = settings.for_endpoint(endpoint("unix:///var/run/docker.sock"));
  ASSERT_TRUE(unix_socket);
  EXPECT_FALSE(*unix_socket);
  EXPECT_TRUE(settings.any());
}

TEST(ProxySettings, OnlyHttpsProxyLeavesHttpDirectAndABadValueIsAnError) {
  auto settings = ProxySettings::from_environment(env_of({{"HTTPS_PROXY", "socks5://proxy:1080"}, {"no_proxy", "  "}}));
  auto http = settings.for_endpoint(endpoint("http://169.254.169.254"));
  ASSERT_TRUE(http);
  EXPECT_FALSE(*http);
  auto https = settings.for_endpoint(endpoint("https://ec2.eu-west-1.amazonaws.com"));
  ASSERT_FALSE(https);
  EXPECT_NE(https.error().message().find("HTTPS_PROXY"), std::string::npos);
  EXPECT_FALSE(ProxySettings::from_environment(env_of({})).any());
}

}  // namespace
}  // namespace taupage
