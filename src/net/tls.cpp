#include "net/tls.h"

namespace taupage {

struct TlsConfig::State {};

TlsConfig::TlsConfig() = default;
TlsConfig::~TlsConfig() = default;

Result<std::unique_ptr<TlsConfig>> TlsConfig::create(const std::string&, const std::string&) {
  return Error("TLS is not built yet");
}

Result<std::unique_ptr<Stream>> TlsConfig::connect(std::unique_ptr<Stream>, const std::string&, const Deadline&) {
  return Error("TLS is not built yet");
}

}  // namespace taupage
