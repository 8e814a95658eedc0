#include "net/http_client.h"

#include <atomic>

#include <gtest/gtest.h>

#include "support/scripted_server.h"
#include "util/strings.h"

namespace taupage {
namespace {

using testing::ScriptedReply;
using testing::ScriptedServer;

Endpoint local(uint16_t port) { return *Endpoint::parse(strfmt("http://127.0.0.1:%u", port)); }

HttpRequest get(const std::string& target, int timeout_ms = 5000) {
  HttpRequest request;
  request.target = target;
  request.timeout_ms = timeout_ms;
  return request;
}

ScriptedReply ok(const std::string& body) { return {strfmt("HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body.size()) + body}; }

TEST(HttpClient, ContentLengthBodyAndRequestOnTheWire) {
  auto server = ScriptedServer::tcp([](const std::string&) { return ok("hello"); });
  RealHttpClient client;
  auto endpoint = *Endpoint::parse(strfmt("http://127.0.0.1:%u/base", server->port()));
  HttpRequest request = get("/x?y=1");
  request.method = "PUT";
  request.body = "payload";
  auto response = client.send(endpoint, request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->reason, "OK");
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->header("content-LENGTH"), "5");
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0],
            strfmt("PUT /base/x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Length: 7\r\n\r\npayload", server->port()));
}

TEST(HttpClient, ChunkedBodyWithExtensionsAndTrailers) {
  auto server = ScriptedServer::tcp([](const std::string&) {
    return ScriptedReply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n7\r\n, world\r\n0\r\nX-T: 1\r\n\r\n"};
  });
  RealHttpClient client;
  auto response = client.send(local(server->port()), get("/"));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->body, "hello, world");
  // The connection stays usable after a chunked body.
  auto again = client.send(local(server->port()), get("/"));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(server->connections(), 1);
}

TEST(HttpClient, StreamsBodyToOnBodyAndCanAbort) {
  auto server = ScriptedServer::tcp([](const std::string&) {
    return ScriptedReply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{a}\r\n3\r\n{b}\r\n0\r\n\r\n"};
  });
  RealHttpClient client;
  std::vector<std::string> pieces;
  HttpRequest request = get("/images/create");
  request.on_body = [&](std::string_view piece) {
    pieces.emplace_back(piece);
    return true;
  };
  auto response = client.send(local(server->port()), request);
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(join(pieces, ""), "{a}{b}");
  request.on_body = [](std::string_view) { return false; };
  auto aborted = client.send(local(server->port()), request);
  ASSERT_FALSE(aborted);
  EXPECT_NE(aborted.error().message().find("aborted"), std::string::npos) << aborted.error().message();
}

TEST(HttpClient, ReadsUntilCloseWithoutLength) {
  auto server = ScriptedServer::tcp([](const std::string&) { return ScriptedReply{"HTTP/1.0 200 OK\r\n\r\nall of it", true}; });
  RealHttpClient client;
  auto response = client.send(local(server->port()), get("/"));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->body, "all of it");
}

TEST(HttpClient, TruncatedBodyIsAnError) {
  auto server = ScriptedServer::tcp([](const std::string&) {
    return ScriptedReply{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true};
  });
  RealHttpClient client;
  auto response = client.send(local(server->port()), get("/x"));
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("connection closed after 3 of 10 body bytes"), std::string::npos) << response.error().message();
  EXPECT_NE(response.error().message().find("GET http://127.0.0.1"), std::string::npos);
}

TEST(HttpClient, TruncatedChunkedBodyIsAnError) {
  auto server = ScriptedServer::tcp([](const std::string&) {
    return ScriptedReply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", true};
  });
  RealHttpClient client;
  auto response = client.send(local(server->port()), get("/"));
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("chunked"), std::string::npos) << response.error().message();
}

TEST(HttpClient, OversizedHeadersAreRefused) {
  auto server = ScriptedServer::tcp([](const std::string&) {
    return ScriptedReply{"HTTP/1.1 200 OK\r\nX-Big: " + std::string(70000, 'a') + "\r\nContent-Length: 0\r\n\r\n"};
  });
  RealHttpClient client;
  auto response = client.send(local(server->port()), get("/"));
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("response headers larger than 65536 bytes"), std::string::npos) << response.error().message();
}

TEST(HttpClient, OversizedBodyIsRefused) {
  auto server = ScriptedServer::tcp([](const std::string& request) {
    if (request.find("/chunked") != std::string::npos) {
      return ScriptedReply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + std::string(1024, 'x') + "\r\n400\r\n" +
                           std::string(1024, 'x') + "\r\n0\r\n\r\n"};
    }
    return ok(std::string(2000, 'x'));
  });
  HttpClientOptions options;
  options.max_body_bytes = 1500;
  RealHttpClient client(options);
  auto by_length = client.send(local(server->port()), get("/"));
  ASSERT_FALSE(by_length);
  EXPECT_NE(by_length.error().message().find("larger than the limit of 1500"), std::string::npos) << by_length.error().message();
  auto chunked = client.send(local(server->port()), get("/chunked"));
  ASSERT_FALSE(chunked);
  EXPECT_NE(chunked.error().message().find("response body larger than 1500 bytes"), std::string::npos);
  HttpRequest bigger = get("/");
  bigger.max_body_bytes = 4096;
  EXPECT_TRUE(client.send(local(server->port()), bigger));
}

TEST(HttpClient, TimesOutWhenTheServerNeverAnswers) {
  auto server = ScriptedServer::tcp([](const std::string&) { return ScriptedReply{"", false, true}; });
  RealHttpClient client;
  auto response = client.send(local(server->port()), get("/", 300));
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("no complete response within 300 ms"), std::string::npos) << response.error().message();
}

TEST(HttpClient, AStreamThatStallsFailsAfterTheIdleTimeout) {
  // Headers and one progress line, then nothing: a pull whose registry stopped sending.
  auto server = ScriptedServer::tcp(
      [](const std::string&) { return ScriptedReply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{a}\r\n"}; });
  RealHttpClient client;
  HttpRequest request = get("/images/create", 20000);
  request.idle_timeout_ms = 300;
  std::string seen;
  request.on_body = [&](std::string_view piece) {
    seen.append(piece);
    return true;
  };
  auto response = client.send(local(server->port()), request);
  ASSERT_FALSE(response);
  EXPECT_EQ(seen, "{a}");
  // Said only when the idle limit, not the 20 s deadline, ended the exchange.
  EXPECT_NE(response.error().message().find("nothing received for 300 ms"), std::string::npos) << response.error().message();
}

TEST(HttpClient, ConnectionRefused) {
  RealHttpClient client;
  auto response = client.send(local(testing::unused_tcp_port()), get("/"));
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("Connection refused"), std::string::npos) << response.error().message();
}

TEST(HttpClient, ReusesKeptAliveConnections) {
  auto server = ScriptedServer::tcp([](const std::string&) { return ok("x"); });
  RealHttpClient client;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.send(local(server->port()), get("/")));
  EXPECT_EQ(server->connections(), 1);
  EXPECT_EQ(server->requests().size(), 3u);
}

TEST(HttpClient, ReconnectsWhenTheServerClosedAnIdleConnection) {
  // The server closes after each answer without saying so; the idle connection is found dead
  // and the next request goes over a new one.
  auto server = ScriptedServer::tcp([](const std::string&) {
    ScriptedReply reply = ok("x");
    reply.close = true;
    return reply;
  });
  RealHttpClient client;
  for (int i = 0; i < 3; ++i) {
    auto response = client.send(local(server->port()), get("/"));
    ASSERT_TRUE(response) << response.error().message();
  }
  EXPECT_EQ(server->connections(), 3);
}

TEST(HttpClient, AKeptConnectionClosedUnderTheNextRequestIsRetriedOnceOnAFreshOne) {
  // The server's idle timeout fires as our next request arrives on the kept connection: it reads
  // the request and closes without a byte of answer (the idle check before sending saw nothing).
  // The request never reached the application, so it goes again, once, on a new connection.
  std::atomic<int> seen{0};
  auto server = ScriptedServer::tcp([&](const std::string&) {
    if (++seen == 2) return ScriptedReply{"", true};
    return ok("x");
  });
  RealHttpClient client;
  ASSERT_TRUE(client.send(local(server->port()), get("/")));
  auto second = client.send(local(server->port()), get("/"));
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->body, "x");
  EXPECT_EQ(server->connections(), 2);
  EXPECT_EQ(server->requests().size(), 3u);
}

TEST(HttpClient, AFreshConnectionClosedWithoutAnAnswerIsNotSentAgain) {
  // Only a reused connection earns the one silent retry; a new one that closes is the server's
  // answer, and the caller (the AWS retry policy) decides what to do with it.
  std::atomic<int> seen{0};
  auto server = ScriptedServer::tcp([&](const std::string&) {
    if (++seen == 1) return ok("x");
    return ScriptedReply{"", true};
  });
  RealHttpClient client;
  ASSERT_TRUE(client.send(local(server->port()), get("/")));
  auto second = client.send(local(server->port()), get("/"));
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message().find("connection closed before a response"), std::string::npos) << second.error().message();
  EXPECT_EQ(server->connections(), 2);
  EXPECT_EQ(server->requests().size(), 3u);
}

TEST(HttpClient, ConnectionCloseIsHonoured) {
  auto server = ScriptedServer::tcp(
      [](const std::string&) { return ScriptedReply{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx"}; });
  RealHttpClient client;
  ASSERT_TRUE(client.send(local(server->port()), get("/")));
  ASSERT_TRUE(client.send(local(server->port()), get("/")));
  EXPECT_EQ(server->connections(), 2);
}

TEST(HttpClient, SkipsInterimResponsesAndDoesNotFollowRedirects) {
  auto server = ScriptedServer::tcp([](const std::string&) {
    return ScriptedReply{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 301 Moved\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n"};
  });
  RealHttpClient client;
  auto response = client.send(local(server->port()), get("/"));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 301);
  EXPECT_EQ(response->header("location"), "http://elsewhere/");
  EXPECT_EQ(server->requests().size(), 1u);
}

TEST(HttpClient, MalformedStatusLine) {
  auto server = ScriptedServer::tcp([](const std::string&) { return ScriptedReply{"SSH-2.0-OpenSSH\r\n\r\n", true}; });
  RealHttpClient client;
  auto response = client.send(local(server->port()), get("/"));
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("malformed status line"), std::string::npos);
}

TEST(HttpClient, UnixSocket) {
  auto server = ScriptedServer::unix_socket([](const std::string&) {
    return ScriptedReply{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n"};
  });
  RealHttpClient client;
  auto endpoint = Endpoint::parse("unix://" + server->socket_path());
  ASSERT_TRUE(endpoint);
  auto response = client.send(*endpoint, get("/_ping"));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->body, "OK");
  ASSERT_TRUE(client.send(*endpoint, get("/_ping")));
  EXPECT_EQ(server->connections(), 1);
  EXPECT_NE(server->requests()[0].find("GET /_ping HTTP/1.1\r\nHost: localhost\r\n"), std::string::npos);
}

TEST(HttpClient, MissingUnixSocket) {
  RealHttpClient client;
  auto response = client.send(*Endpoint::parse("unix:///nonexistent/net-test.sock"), get("/"));
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message().find("No such file or directory"), std::string::npos) << response.error().message();
}

// A fixed table instead of DNS.
class TableResolver : public Resolver {
 public:
  Result<std::vector<IpAddress>> resolve(const std::string& host, const Deadline&) override {
    asked.push_back(host);
    if (host == "stand-in.example") return std::vector<IpAddress>{*IpAddress::parse("127.0.0.1")};
    return Error("resolve " + host + ": no such host");
  }
  std::vector<std::string> asked;
};

TEST(HttpClient, ConnectsToResolvedNames) {
  auto server = ScriptedServer::tcp([](const std::string&) { return ok("named"); });
  TableResolver resolver;
  HttpClientOptions options;
  options.resolver = &resolver;
  RealHttpClient client(options);
  auto response = client.send(*Endpoint::parse(strfmt("http://stand-in.example:%u", server->port())), get("/"));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->body, "named");
  EXPECT_NE(server->requests()[0].find(strfmt("Host: stand-in.example:%u", server->port())), std::string::npos);
  auto unknown = client.send(*Endpoint::parse("http://other.example"), get("/"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("no such host"), std::string::npos);
  EXPECT_EQ(resolver.asked, (std::vector<std::string>{"stand-in.example", "other.example"}));
}

TEST(HttpClient, Ipv6Loopback) {
  auto server = ScriptedServer::tcp([](const std::string&) { return ok("six"); }, true);
  RealHttpClient client;
  auto response = client.send(*Endpoint::parse(strfmt("http://[::1]:%u", server->port())), get("/"));
  if (!response && response.error().message().find("Cannot assign") != std::string::npos) GTEST_SKIP() << "no IPv6 loopback";
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->body, "six");
  EXPECT_NE(server->requests()[0].find(strfmt("Host: [::1]:%u", server->port())), std::string::npos);
}

// Through a proxy, plain HTTP goes in absolute form with the proxy's credentials, and only the
// proxy's address is looked up (origin.invalid would not resolve).
TEST(HttpClient, HttpThroughAProxyUsesTheAbsoluteForm) {
  auto proxy = ScriptedServer::tcp([](const std::string&) { return ok("via proxy"); });
  RealHttpClient client;
  Endpoint endpoint = *Endpoint::parse("http://origin.invalid:8080/base");
  endpoint.proxy = HttpProxy{"127.0.0.1", proxy->port(), strfmt("http://u@127.0.0.1:%u", proxy->port()), "Basic dTpw"};
  auto response = client.send(endpoint, get("/x"));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->body, "via proxy");
  ASSERT_EQ(proxy->requests().size(), 1u);
  EXPECT_EQ(proxy->requests()[0],
            "GET http://origin.invalid:8080/base/x HTTP/1.1\r\nHost: origin.invalid:8080\r\nProxy-Authorization: Basic dTpw\r\n\r\n");
}

// HTTPS through a proxy starts with CONNECT; a refusal is permanent and names the proxy, and a
// proxy that accepts and then hangs up fails the TLS handshake, again naming the proxy.
TEST(HttpClient, HttpsThroughAProxyAsksForATunnel) {
  auto refusing =
      ScriptedServer::tcp([](const std::string&) { return ScriptedReply{"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"}; });
  RealHttpClient client;
  Endpoint endpoint = *Endpoint::parse("https://kms.eu-west-1.amazonaws.com");
  endpoint.proxy = HttpProxy{"127.0.0.1", refusing->port(), strfmt("http://127.0.0.1:%u", refusing->port()), ""};
  auto refused = client.send(endpoint, get("/"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), ErrorKind::Permanent);
  EXPECT_EQ(refused.error().message(), strfmt("GET https://kms.eu-west-1.amazonaws.com/ (through the proxy http://127.0.0.1:%u): "
                                              "the proxy refused CONNECT kms.eu-west-1.amazonaws.com:443: HTTP 403 Forbidden",
                                              refusing->port()));
  ASSERT_EQ(refusing->requests().size(), 1u);
  EXPECT_EQ(refusing->requests()[0], "CONNECT kms.eu-west-1.amazonaws.com:443 HTTP/1.1\r\nHost: kms.eu-west-1.amazonaws.com:443\r\n\r\n");

  auto hanging_up = ScriptedServer::tcp([](const std::string&) {
    return ScriptedReply{"HTTP/1.1 200 Connection established\r\n\r\n", true};
  });
  endpoint.proxy = HttpProxy{"127.0.0.1", hanging_up->port(), strfmt("http://127.0.0.1:%u", hanging_up->port()), ""};
  auto cut = client.send(endpoint, get("/"));
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message().find("(through the proxy http://127.0.0.1:"), std::string::npos) << cut.error().message();
  EXPECT_NE(cut.error().kind(), ErrorKind::Permanent) << cut.error().message();
}

}  // namespace
}  // namespace taupage
