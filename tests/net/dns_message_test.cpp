#include "net/dns_message.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

TEST(DnsMessage, EncodesAQuery) {
  auto query = encode_dns_query(0x1234, "Ec2.Example.", DnsType::AAAA);
  ASSERT_TRUE(query);
  EXPECT_EQ(*query, bytes({0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0,   0,   0, 0, 0,  3, 'e', 'c',
                           '2',  7,    'e',  'x',  'a', 'm', 'p', 'l', 'e', 0, 0, 28, 0, 1}));
}

TEST(DnsMessage, RefusesBadNames) {
  for (const std::string& bad : {std::string(""), std::string("."), std::string("a..b"), std::string("a b"), std::string(64, 'a')}) {
    EXPECT_FALSE(encode_dns_query(1, bad, DnsType::A)) << bad;
  }
}

// Header + question "a.b" type A.
std::string response_head(int id, int flags, int answers) {
  return bytes({id >> 8, id & 0xFF, flags >> 8, flags & 0xFF, 0, 1, 0, answers, 0, 0, 0, 0, 1, 'a', 1, 'b', 0, 0, 1, 0, 1});
}

TEST(DnsMessage, DecodesCompressedAnswers) {
  std::string message = response_head(7, 0x8180, 1) + bytes({0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 9});
  auto answer = decode_dns_response(message, 7, "a.b", DnsType::A);
  ASSERT_TRUE(answer) << answer.error().message();
  ASSERT_EQ(answer->addresses.size(), 1u);
  EXPECT_EQ(answer->addresses[0].text(), "10.0.0.9");
}

TEST(DnsMessage, RefusesWhatIsNotTheAnswer) {
  std::string good = response_head(7, 0x8180, 0);
  EXPECT_FALSE(decode_dns_response(good, 8, "a.b", DnsType::A));                         // another id
  EXPECT_FALSE(decode_dns_response(good, 7, "a.c", DnsType::A));                         // another name
  EXPECT_FALSE(decode_dns_response(good, 7, "a.b", DnsType::AAAA));                      // another type
  EXPECT_FALSE(decode_dns_response(response_head(7, 0x0100, 0), 7, "a.b", DnsType::A));  // a query
  EXPECT_FALSE(decode_dns_response(good.substr(0, 15), 7, "a.b", DnsType::A));
}

TEST(DnsMessage, RefusesPointerLoopsAndOverruns) {
  // A pointer to itself, and one pointing forward.
  std::string loop = response_head(7, 0x8180, 1) + bytes({0xC0, 21, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4});
  EXPECT_FALSE(decode_dns_response(loop, 7, "a.b", DnsType::A));
  std::string forward = response_head(7, 0x8180, 1) + bytes({0xC0, 40, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4});
  EXPECT_FALSE(decode_dns_response(forward, 7, "a.b", DnsType::A));
  std::string overrun = response_head(7, 0x8180, 1) + bytes({0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 40, 1, 2, 3, 4});
  EXPECT_FALSE(decode_dns_response(overrun, 7, "a.b", DnsType::A));
  std::string wrong_length = response_head(7, 0x8180, 1) + bytes({0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 3, 1, 2, 3});
  EXPECT_FALSE(decode_dns_response(wrong_length, 7, "a.b", DnsType::A));
}

TEST(DnsMessage, ReportsTruncationAndRcode) {
  auto truncated = decode_dns_response(response_head(7, 0x8380, 0), 7, "a.b", DnsType::A);
  ASSERT_TRUE(truncated);
  EXPECT_TRUE(truncated->truncated);
  auto nx = decode_dns_response(response_head(7, 0x8183, 0), 7, "a.b", DnsType::A);
  ASSERT_TRUE(nx);
  EXPECT_EQ(nx->rcode, kDnsNxDomain);
}

}  // namespace
}  // namespace taupage
