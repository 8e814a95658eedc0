/// RealHttpClient: HTTP/1.1 over TCP, TLS and unix sockets, the one implementation of HttpClient.
/// It keeps idle connections per endpoint for reuse, bounds what a server can make it hold
/// (header and body sizes), gives every exchange one deadline, and never follows redirects.
/// Meant for one thread at a time (the boot is sequential); the idle pool alone is locked.
/// An endpoint with a proxy is reached through it: a CONNECT tunnel for https, the
/// absolute-form request for http.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/http.h"
#include "net/resolver.h"
#include "net/stream.h"

namespace taupage {

class TlsConfig;
class Socket;

struct HttpClientOptions {
  size_t max_header_bytes = 64 * 1024;       // status line, headers and chunked trailers
  size_t max_body_bytes = 64 * 1024 * 1024;  // a collected body; on_body streams are not limited
  size_t max_idle_per_endpoint = 4;
  std::string root = "/";        // also looks for resolv.conf, hosts and the CA bundle here
  Resolver* resolver = nullptr;  // not owned; default: a DnsResolver configured from `root`
  std::string ca_bundle;         // a PEM file; empty: AWS_CA_BUNDLE, then the system bundles
};

class RealHttpClient : public HttpClient {
 public:
  explicit RealHttpClient(HttpClientOptions options = {});
  ~RealHttpClient() override;
  Result<HttpResponse> send(const Endpoint& endpoint, const HttpRequest& request) override;
  // Closes every idle connection.
  void close_idle();

 private:
  Result<std::unique_ptr<Stream>> connect(const Endpoint& endpoint, const Deadline& deadline);
  Result<std::unique_ptr<Socket>> connect_tcp(const std::string& host, uint16_t port, const Deadline& deadline);
  Result<TlsConfig*> tls_config();

  HttpClientOptions options_;
  std::unique_ptr<Resolver> own_resolver_;
  std::unique_ptr<TlsConfig> tls_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<Stream>>> idle_;
};

}  // namespace taupage
