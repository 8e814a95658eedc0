#include "net/http.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(Endpoint, ParsesHttpsWithDefaultPort) {
  auto endpoint = Endpoint::parse("https://KMS.eu-central-1.amazonaws.com");
  ASSERT_TRUE(endpoint) << endpoint.error().message();
  EXPECT_EQ(endpoint->scheme, "https");
  EXPECT_EQ(endpoint->host, "kms.eu-central-1.amazonaws.com");
  EXPECT_EQ(endpoint->port, 443);
  EXPECT_EQ(endpoint->base_path, "");
  EXPECT_EQ(endpoint->text(), "https://kms.eu-central-1.amazonaws.com");
}

TEST(Endpoint, ParsesHttpPortAndBasePath) {
  auto endpoint = Endpoint::parse("http://127.0.0.1:8080/prefix/");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->port, 8080);
  EXPECT_EQ(endpoint->base_path, "/prefix");
  EXPECT_EQ(endpoint->text(), "http://127.0.0.1:8080/prefix");
}

TEST(Endpoint, ParsesBracketedIpv6) {
  auto endpoint = Endpoint::parse("http://[fd00:ec2::254]");
  ASSERT_TRUE(endpoint) << endpoint.error().message();
  EXPECT_EQ(endpoint->host, "fd00:ec2::254");
  EXPECT_EQ(endpoint->port, 80);
  EXPECT_EQ(endpoint->text(), "http://[fd00:ec2::254]");
  auto with_port = Endpoint::parse("https://[::1]:8443");
  ASSERT_TRUE(with_port);
  EXPECT_EQ(with_port->port, 8443);
}

TEST(Endpoint, DockerSpellings) {
  auto unix_endpoint = Endpoint::parse("unix:///var/run/docker.sock");
  ASSERT_TRUE(unix_endpoint);
  EXPECT_EQ(unix_endpoint->scheme, "unix");
  EXPECT_EQ(unix_endpoint->socket_path, "/var/run/docker.sock");
  EXPECT_EQ(unix_endpoint->text(), "unix:///var/run/docker.sock");
  auto tcp = Endpoint::parse("tcp://127.0.0.1:2376");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->scheme, "http");
  EXPECT_EQ(tcp->port, 2376);
  EXPECT_EQ(Endpoint::parse("tcp://docker")->port, 2375);
}

TEST(Endpoint, RefusesWhatItCannotReadExactly) {
  for (const char* bad : {"kms.amazonaws.com", "ftp://x", "http://", "http://:80", "http://a:0", "http://a:65536",
                          "http://a:", "http://a b", "http://u@a", "http://[::1", "http://[1.2.3.4]", "unix://rel", "http://a/x?y=1"}) {
    auto endpoint = Endpoint::parse(bad);
    EXPECT_FALSE(endpoint) << bad;
    if (!endpoint) {
      EXPECT_NE(endpoint.error().message().find("endpoint"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace taupage
