// A static HTTPS GET through RealHttpClient, for scripts/bench/net.sh: it times Taupage's TLS
// handshake beside curl and openssl s_client, and its size shows what TLS adds to a static binary.
// Usage: https_get URL CA_FILE [TLS_NAME]; prints the status; exit 0 on a 200.
#include <cstdio>

#include "net/http_client.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: https_get URL CA_FILE [TLS_NAME]\n");
    return 2;
  }
  auto endpoint = taupage::Endpoint::parse(argv[1]);
  if (!endpoint) {
    std::fprintf(stderr, "%s\n", endpoint.error().message().c_str());
    return 2;
  }
  if (argc > 3) endpoint->tls_name = argv[3];
  taupage::HttpClientOptions options;
  options.ca_bundle = argv[2];
  taupage::RealHttpClient client(options);
  auto response = client.send(*endpoint, taupage::HttpRequest{});
  if (!response) {
    std::fprintf(stderr, "%s\n", response.error().message().c_str());
    return 1;
  }
  return response->status == 200 ? 0 : 1;
}
