/// HTTP/1.1 messages and the client interface that AWS, IMDS and Docker all use. One client
/// serves every transport: plain TCP (IMDS, test stand-ins, Docker over tcp://), TLS (AWS) and
/// unix sockets (Docker). The implementation lives beside this header; tests use doubles.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace taupage {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// An HTTP proxy a connection goes through (HTTPS_PROXY, HTTP_PROXY): a CONNECT tunnel for
// https, the absolute-form request for http.
struct HttpProxy {
  std::string host;
  uint16_t port = 0;
  std::string url;            // for messages: "http://user@proxy.internal:3128", never the password
  std::string authorization;  // the Proxy-Authorization value ("Basic ..."), empty without user information
};

// Where to connect: "https://kms.eu-central-1.amazonaws.com", "http://169.254.169.254",
// "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375" (Docker's spelling of http).
struct Endpoint {
  std::string scheme;       // "http", "https" or "unix"
  std::string host;         // host name or IP literal (without brackets); for unix: "localhost"
  uint16_t port = 0;        // defaults: 80 http, 443 https
  std::string socket_path;  // unix only
  std::string base_path;    // a path prefix from the URL without the last "/", usually empty;
                            // the client puts it in front of every request's target
  // https only: the DNS name the server's certificate must carry (and SNI), when it differs
  // from `host`, e.g. when `host` is an IP literal. Empty: `host` itself is verified.
  std::string tls_name;
  // Set: the connection goes through this proxy. Only the AWS calls set it (never IMDS or Docker).
  std::optional<HttpProxy> proxy;

  static Result<Endpoint> parse(std::string_view url);
  std::string text() const;  // back to a URL, for messages
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query, already encoded
  HttpHeaders headers;       // Host and Content-Length are added by the client when missing
  std::string body;
  int timeout_ms = 10000;     // for the whole exchange: resolve, connect, TLS, send, full response
  int idle_timeout_ms = 0;    // > 0: the response fails when nothing arrives for this long (a stalled stream)
  size_t max_body_bytes = 0;  // a collected body larger than this is an error; 0: the client's limit
  // When set, the response body is handed over piece by piece as it arrives (Docker's pull
  // progress) instead of being collected; returning false aborts the exchange.
  std::function<bool(std::string_view chunk)> on_body;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  HttpHeaders headers;
  std::string body;  // empty when the request had on_body

  // The first header with that name, case-insensitively; empty when absent.
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends one request and reads the whole response. An error means no complete response
  // (connection refused, timeout, TLS failure, malformed response); any HTTP status is a response.
  // The error's kind is Protocol when the answer broke HTTP (the peer is there but speaks
  // something else), Permanent when no retry can help (a certificate that does not verify, a
  // CA bundle that cannot be read).
  virtual Result<HttpResponse> send(const Endpoint& endpoint, const HttpRequest& request) = 0;
};

}  // namespace taupage
