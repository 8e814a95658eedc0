/// TLS through mbedTLS, in one small RAII wrapper: TLS 1.2 and 1.3 only, SNI, and the certificate
/// chain and host name always verified; there is no way to start a session without a name to
/// verify. TlsConfig holds what sessions share (CA bundle, random generator); TlsStream is one.
#pragma once

#include <memory>
#include <string>

#include "net/deadline.h"
#include "net/stream.h"
#include "util/result.h"

namespace taupage {

class TlsConfig {
 public:
  ~TlsConfig();
  TlsConfig(const TlsConfig&) = delete;
  TlsConfig& operator=(const TlsConfig&) = delete;

  // Loads the CA bundle: `ca_bundle` when given, else $AWS_CA_BUNDLE, else the system bundle
  // (/etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt), looked up under
  // `root` first and then under /. Seeds the random generator from getrandom().
  static Result<std::unique_ptr<TlsConfig>> create(const std::string& ca_bundle, const std::string& root);

  // Runs the handshake over `transport`: SNI and verification against `server_name` (a DNS name
  // or an IP literal, never empty). The result reads and writes through the session.
  Result<std::unique_ptr<Stream>> connect(std::unique_ptr<Stream> transport, const std::string& server_name, const Deadline& deadline);

  const std::string& ca_bundle_path() const { return ca_path_; }

  struct State;

 private:
  TlsConfig();
  std::unique_ptr<State> state_;
  std::string ca_path_;
};

}  // namespace taupage
