/// WireHttpClient: an HttpClient for fuzz targets that sends every request through the real
/// client (RealHttpClient) to a unix-socket server in this process, which answers each one with
/// the next scripted bytes as they are and closes. So the fuzzed bytes meet the real response
/// reader (head, Content-Length, chunked framing, trailers) before the caller's own parsing.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.h"

namespace taupage::fuzz {

class WireHttpClient : public HttpClient {
 public:
  // The answers for the requests to come, in order; a request after the last gets an empty
  // answer (the server closes at once). Starts a fresh client: no connection is kept over.
  void serve(const std::vector<std::string_view>& answers);
  // Every request goes to the in-process server, whatever endpoint the caller names.
  Result<HttpResponse> send(const Endpoint& endpoint, const HttpRequest& request) override;
  int requests() const { return requests_; }

  // One per process: its server thread lives as long as the process.
  static WireHttpClient& instance();

 private:
  WireHttpClient();
  std::unique_ptr<HttpClient> real_;
  Endpoint server_;
  int requests_ = 0;
};

// Removes the server's socket and its temp dir, if there is a server; run at exit, and by the
// replay's child processes, which end with _exit.
void remove_wire_socket();

}  // namespace taupage::fuzz
