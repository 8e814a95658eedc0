#include "net/tls.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "net/mbedtls_error.h"
#include "psa/crypto.h"
#include "util/files.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {

namespace {

constexpr const char* kSystemBundles[] = {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"};

std::string mbedtls_text(int code) { return mbedtls_error_text(code); }

// At early boot the kernel's pool may not be seeded yet; getrandom() then blocks, and the
// console should say why nothing happens.
void wait_for_kernel_entropy() {
  unsigned char probe;
  if (::getrandom(&probe, 1, GRND_NONBLOCK) == 1 || errno != EAGAIN) return;
  Log::info("tls: waiting for the kernel's random number generator to be seeded (getrandom)");
  int64_t start = Deadline::now_ms();
  while (::getrandom(&probe, 1, 0) < 0 && errno == EINTR) {
  }
  Log::info(strfmt("tls: random number generator ready after %lld ms", static_cast<long long>(Deadline::now_ms() - start)));
}

// Which bundle to trust: the explicit one, $AWS_CA_BUNDLE, or the system's; paths are tried as
// they are and then under `root` (the initramfs has no bundle of its own). `origin` says where
// the paths came from, for messages.
std::vector<std::string> bundle_candidates(const std::string& ca_bundle, const std::string& root, std::string& origin) {
  std::vector<std::string> paths;
  const char* from_env = std::getenv("AWS_CA_BUNDLE");
  if (!ca_bundle.empty()) {
    paths.push_back(ca_bundle);
    origin = "";
  } else if (from_env && *from_env) {
    paths.push_back(from_env);
    origin = " (AWS_CA_BUNDLE)";
  } else {
    paths.assign(std::begin(kSystemBundles), std::end(kSystemBundles));
    origin = " (the system's)";
  }
  std::vector<std::string> out = paths;
  if (!root.empty() && root != "/") {
    for (const std::string& path : paths) out.push_back(root + path);
  }
  return out;
}

// Reads the PEM bundle at `path` into `ca`. Read here rather than by mbedTLS's file loader, which
// reports a folder as "memory allocation failed" and any unreadable file as a parse error.
Status load_bundle(mbedtls_x509_crt& ca, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Error(errno_text(errno));
  if (S_ISDIR(st.st_mode)) return Error("is a folder, not a PEM file of CA certificates");
  if (!S_ISREG(st.st_mode)) return Error("is not a regular file");
  auto text = read_file(path);
  if (!text) return std::move(text).error();
  if (text->find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    return Error("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  // PEM is parsed from a NUL-terminated buffer whose length counts the NUL.
  int rc = mbedtls_x509_crt_parse(&ca, reinterpret_cast<const unsigned char*>(text->c_str()), text->size() + 1);
  if (rc < 0) return Error(mbedtls_text(rc));
  if (ca.version == 0) return Error("no certificate in it could be read");
  if (rc > 0) Log::debug(strfmt("tls: %d certificates in %s could not be read and are not trusted", rc, path.c_str()));
  return Status::Ok();
}

}  // namespace

struct TlsConfig::State {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt ca;
  mbedtls_ssl_config conf;
  State() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca);
    mbedtls_ssl_config_init(&conf);
  }
  ~State() {
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&ca);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }
};

// One TLS session over a transport stream. mbedTLS calls back into it for I/O; the callbacks wait
// until the deadline of the operation in progress and then report WANT_READ, which the calling
// loop turns into a timeout.
class TlsStream : public Stream {
 public:
  explicit TlsStream(std::unique_ptr<Stream> transport) : transport_(std::move(transport)) { mbedtls_ssl_init(&ssl_); }
  ~TlsStream() override { mbedtls_ssl_free(&ssl_); }

  Status start(mbedtls_ssl_config* conf, const std::string& server_name, const std::string& ca_path, const Deadline& deadline) {
    int rc = mbedtls_ssl_setup(&ssl_, conf);
    if (rc != 0) return Error("setup: " + mbedtls_text(rc));
    // The name both goes out as SNI and is what the certificate must carry.
    rc = mbedtls_ssl_set_hostname(&ssl_, server_name.c_str());
    if (rc != 0) return Error("server name " + quote(server_name) + ": " + mbedtls_text(rc));
    mbedtls_ssl_set_bio(&ssl_, this, &TlsStream::send_callback, &TlsStream::recv_callback, nullptr);
    deadline_ = &deadline;
    while (true) {
      rc = mbedtls_ssl_handshake(&ssl_);
      if (rc == 0) break;
      if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        if (deadline.expired()) return Error("timed out in the TLS handshake");
        continue;
      }
      return handshake_error(rc, server_name, ca_path);
    }
    return Status::Ok();
  }

  Result<size_t> read_some(char* buffer, size_t size, const Deadline& deadline) override {
    deadline_ = &deadline;
    while (true) {
      int rc = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(buffer), size);
      if (rc > 0) return static_cast<size_t>(rc);
      // A peer that closes without close_notify ends the stream too; the HTTP framing above
      // (Content-Length, chunked) is what detects a cut-short body.
      if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_SSL_CONN_EOF) return size_t{0};
      if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        if (deadline.expired()) return Error("timed out");
        continue;
      }
      return io_or_tls_error("read", rc);
    }
  }

  Status write_all(std::string_view data, const Deadline& deadline) override {
    deadline_ = &deadline;
    while (!data.empty()) {
      int rc = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(data.data()), data.size());
      if (rc > 0) {
        data.remove_prefix(static_cast<size_t>(rc));
        continue;
      }
      if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
        if (deadline.expired()) return Error("timed out");
        continue;
      }
      return io_or_tls_error("write", rc);
    }
    return Status::Ok();
  }

  bool reusable() override {
    if (mbedtls_ssl_get_bytes_avail(&ssl_) > 0 || has_io_error_) return false;
    if (transport_->reusable()) return true;
    // Bytes arrived while idle: TLS 1.3 session tickets are harmless (mbedTLS reads and drops
    // them), application data or a close_notify mean the connection is done.
    Deadline now = Deadline::after_ms(0);
    deadline_ = &now;
    unsigned char byte;
    int rc = mbedtls_ssl_read(&ssl_, &byte, 1);
    return rc == MBEDTLS_ERR_SSL_WANT_READ && !has_io_error_;
  }

 private:
  static int send_callback(void* context, const unsigned char* data, size_t size) {
    auto* self = static_cast<TlsStream*>(context);
    Status sent = self->transport_->write_all(std::string_view(reinterpret_cast<const char*>(data), size), *self->deadline_);
    if (sent) return static_cast<int>(size);
    if (self->deadline_->expired()) return MBEDTLS_ERR_SSL_WANT_WRITE;
    self->io_error_ = std::move(sent).error();
    self->has_io_error_ = true;
    return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
  }

  static int recv_callback(void* context, unsigned char* buffer, size_t size) {
    auto* self = static_cast<TlsStream*>(context);
    auto n = self->transport_->read_some(reinterpret_cast<char*>(buffer), size, *self->deadline_);
    if (n) {
      size_t keep = std::min(*n, kAlertRecordSize - self->first_bytes_.size());
      self->first_bytes_.append(reinterpret_cast<char*>(buffer), keep);
      return static_cast<int>(*n);
    }
    if (self->deadline_->expired()) return MBEDTLS_ERR_SSL_WANT_READ;
    self->io_error_ = std::move(n).error();
    self->has_io_error_ = true;
    return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
  }

  // The description of a plaintext alert when that is what the server answered the ClientHello
  // with (mbedTLS keeps the alert it received to itself), else -1.
  int first_alert() const {
    if (first_bytes_.size() < kAlertRecordSize || first_bytes_[0] != 0x15 || first_bytes_[3] != 0 || first_bytes_[4] != 2) return -1;
    return static_cast<uint8_t>(first_bytes_[6]);
  }

  Error io_or_tls_error(const char* what, int rc) {
    if (has_io_error_) return io_error_;
    return Error(std::string("TLS ") + what + ": " + mbedtls_text(rc));
  }

  Error handshake_error(int rc, const std::string& server_name, const std::string& ca_path) {
    if (has_io_error_) return Error(io_error_).wrap("TLS handshake");
    uint32_t flags = mbedtls_ssl_get_verify_result(&ssl_);
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags != 0 && flags != static_cast<uint32_t>(-1)) {
      std::vector<std::string> reasons;
      if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
        reasons.push_back("server name mismatch: the certificate is not valid for " + quote(server_name));
      }
      if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        reasons.push_back("unknown CA: the certificate chain does not lead to a CA in " + ca_path);
      }
      if (flags & MBEDTLS_X509_BADCERT_EXPIRED) reasons.push_back("certificate expired");
      if (flags & MBEDTLS_X509_BADCERT_FUTURE) reasons.push_back("certificate not yet valid (is the clock right?)");
      uint32_t explained =
          MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE;
      if (flags & ~explained) {
        char info[512];
        int length = mbedtls_x509_crt_verify_info(info, sizeof info, "", flags & ~explained);
        if (length > 0) {
          for (const std::string& line : split(info, '\n')) {
            if (!trim(line).empty()) reasons.push_back(std::string(trim(line)));
          }
        }
      }
      // The same certificate comes back on the next attempt: no retry can help.
      return Error("certificate verification failed: " + join(reasons, "; "), ErrorKind::Permanent);
    }
    int alert = rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ? first_alert() : -1;
    if (rc == MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION || alert == 70) {
      return Error("protocol version refused: the server offers neither TLS 1.2 nor TLS 1.3");
    }
    if (alert == 40) return Error("handshake failure: the server accepts none of our cipher suites or groups (alert 40)");
    if (alert == 112) return Error("the server does not know the name " + quote(server_name) + " (alert 112)");
    if (alert >= 0) return Error(strfmt("the server refused the handshake with alert %d", alert));
    return Error("TLS handshake: " + mbedtls_text(rc));
  }

  std::unique_ptr<Stream> transport_;
  mbedtls_ssl_context ssl_;
  static constexpr size_t kAlertRecordSize = 7;  // record header (5) and alert (2)
  const Deadline* deadline_ = nullptr;
  std::string first_bytes_;
  Error io_error_;
  bool has_io_error_ = false;
};

TlsConfig::TlsConfig() : state_(std::make_unique<State>()) {}
TlsConfig::~TlsConfig() = default;

Result<std::unique_ptr<TlsConfig>> TlsConfig::create(const std::string& ca_bundle, const std::string& root) {
  std::unique_ptr<TlsConfig> config(new TlsConfig());
  State& state = *config->state_;
  wait_for_kernel_entropy();
  psa_status_t psa = psa_crypto_init();
  if (psa != PSA_SUCCESS) return Error(strfmt("TLS: PSA crypto init failed (%d)", static_cast<int>(psa)));
  static const unsigned char kPersonalization[] = "taupage tls";
  int rc = mbedtls_ctr_drbg_seed(&state.drbg, mbedtls_entropy_func, &state.entropy, kPersonalization, sizeof kPersonalization - 1);
  if (rc != 0) return Error("TLS: seeding the random generator: " + mbedtls_text(rc));

  // A bundle that is missing or unreadable stays so: these errors are Permanent (no retry).
  std::string origin;
  std::vector<std::string> candidates = bundle_candidates(ca_bundle, root, origin);
  for (const std::string& path : candidates) {
    if (!path_exists(path)) continue;
    Status loaded = load_bundle(state.ca, path);
    if (!loaded) return Error("TLS: CA bundle " + path + origin + ": " + loaded.error().message(), ErrorKind::Permanent);
    config->ca_path_ = path;
    break;
  }
  if (config->ca_path_.empty()) {
    return Error("TLS: no CA bundle found (looked for " + join(candidates, ", ") + origin + ")", ErrorKind::Permanent);
  }

  rc = mbedtls_ssl_config_defaults(&state.conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return Error("TLS: configuration: " + mbedtls_text(rc));
  mbedtls_ssl_conf_min_tls_version(&state.conf, MBEDTLS_SSL_VERSION_TLS1_2);
  mbedtls_ssl_conf_max_tls_version(&state.conf, MBEDTLS_SSL_VERSION_TLS1_3);
  mbedtls_ssl_conf_authmode(&state.conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&state.conf, &state.ca, nullptr);
  mbedtls_ssl_conf_rng(&state.conf, mbedtls_ctr_drbg_random, &state.drbg);
  return config;
}

Result<std::unique_ptr<Stream>> TlsConfig::connect(std::unique_ptr<Stream> transport, const std::string& server_name,
                                                   const Deadline& deadline) {
  if (server_name.empty()) return Error("TLS needs a server name to verify");
  auto stream = std::make_unique<TlsStream>(std::move(transport));
  Status started = stream->start(&state_->conf, server_name, ca_path_, deadline);
  if (!started) return std::move(started).error().wrap("TLS with " + server_name);
  return std::unique_ptr<Stream>(std::move(stream));
}

}  // namespace taupage
