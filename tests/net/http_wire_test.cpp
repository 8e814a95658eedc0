#include "net/http_wire.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(HttpWire, SerializesWithHostAndContentLength) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/x?a=1";
  request.headers = {{"X-Amz-Target", "TrentService.Decrypt"}};
  request.body = "{}";
  auto wire = serialize_request(request, "/base/x?a=1", "kms.example:8443");
  ASSERT_TRUE(wire);
  EXPECT_EQ(*wire,
            "POST /base/x?a=1 HTTP/1.1\r\nHost: kms.example:8443\r\nX-Amz-Target: TrentService.Decrypt\r\n"
            "Content-Length: 2\r\n\r\n{}");
}

TEST(HttpWire, KeepsCallerHostAndOmitsLengthForEmptyGet) {
  HttpRequest request;
  request.headers = {{"host", "h"}};
  auto wire = serialize_request(request, "/", "ignored");
  ASSERT_TRUE(wire);
  EXPECT_EQ(*wire, "GET / HTTP/1.1\r\nhost: h\r\n\r\n");
}

TEST(HttpWire, RefusesHeaderInjection) {
  HttpRequest request;
  request.headers = {{"X-A", "b\r\nX-Evil: 1"}};
  EXPECT_FALSE(serialize_request(request, "/", "h"));
  request.headers = {{"Bad Name", "v"}};
  EXPECT_FALSE(serialize_request(request, "/", "h"));
  request.headers = {};
  EXPECT_FALSE(serialize_request(request, "/a b", "h"));
}

TEST(HttpWire, ParsesHead) {
  auto head = parse_response_head("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-Empty:\r\n");
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_EQ(head->status, 404);
  EXPECT_EQ(head->reason, "Not Found");
  ASSERT_EQ(head->headers.size(), 2u);
  EXPECT_EQ(head->headers[0].second, "text/plain");
  EXPECT_EQ(head->headers[1].second, "");
  auto no_reason = parse_response_head("HTTP/1.0 200");
  ASSERT_TRUE(no_reason);
  EXPECT_EQ(no_reason->version_minor, 0);
}

TEST(HttpWire, RefusesMalformedHeads) {
  for (const char* bad : {"", "HTTP/2 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "ICY 200 OK", "HTTP/1.1 200 OK\r\nno colon",
                          "HTTP/1.1 200 OK\r\nA: b\r\n folded", "HTTP/1.1 200 OK\r\nBad Name: x"}) {
    EXPECT_FALSE(parse_response_head(bad)) << bad;
  }
}

TEST(HttpWire, Framing) {
  auto head = [](const char* text) { return *parse_response_head(text); };
  EXPECT_EQ(body_framing(head("HTTP/1.1 200 OK\r\nContent-Length: 5"), "GET")->kind, BodyFraming::Length);
  EXPECT_EQ(body_framing(head("HTTP/1.1 200 OK\r\nContent-Length: 5"), "HEAD")->kind, BodyFraming::None);
  EXPECT_EQ(body_framing(head("HTTP/1.1 204 No Content"), "GET")->kind, BodyFraming::None);
  EXPECT_EQ(body_framing(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3"), "GET")->kind,
            BodyFraming::Chunked);
  EXPECT_EQ(body_framing(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip"), "GET")->kind, BodyFraming::UntilClose);
  EXPECT_EQ(body_framing(head("HTTP/1.0 200 OK"), "GET")->kind, BodyFraming::UntilClose);
  EXPECT_FALSE(body_framing(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6"), "GET"));
  EXPECT_FALSE(body_framing(head("HTTP/1.1 200 OK\r\nContent-Length: -1"), "GET"));
}

TEST(HttpWire, ChunkSizes) {
  EXPECT_EQ(parse_chunk_size("1a"), 26u);
  EXPECT_EQ(parse_chunk_size("FF;name=value"), 255u);
  EXPECT_FALSE(parse_chunk_size(""));
  EXPECT_FALSE(parse_chunk_size("x1"));
  EXPECT_FALSE(parse_chunk_size("1000000000000000"));  // 16 hex digits: refused, no overflow
}

TEST(HttpWire, KeepAlive) {
  EXPECT_TRUE(keeps_alive(*parse_response_head("HTTP/1.1 200 OK")));
  EXPECT_FALSE(keeps_alive(*parse_response_head("HTTP/1.1 200 OK\r\nConnection: close")));
  EXPECT_FALSE(keeps_alive(*parse_response_head("HTTP/1.0 200 OK")));
  EXPECT_TRUE(keeps_alive(*parse_response_head("HTTP/1.0 200 OK\r\nConnection: Keep-Alive")));
}

}  // namespace
}  // namespace taupage
