#include "net/mbedtls_error.h"

#include "mbedtls/asn1.h"
#include "mbedtls/base64.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509.h"
#include "util/strings.h"

namespace taupage {

namespace {

struct Words {
  int code;
  const char* text;
};

// The module that failed. Handshake details (verification flags, alerts) are explained by the
// caller; these are for what is left.
constexpr Words kHighLevel[] = {
    {MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE, "TLS: the feature is not compiled in"},
    {MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "TLS: bad input to a TLS function"},
    {MBEDTLS_ERR_SSL_INVALID_MAC, "TLS: a record failed its integrity check"},
    {MBEDTLS_ERR_SSL_INVALID_RECORD, "TLS: the peer sent an invalid record"},
    {MBEDTLS_ERR_SSL_CONN_EOF, "TLS: the connection closed"},
    {MBEDTLS_ERR_SSL_DECODE_ERROR, "TLS: a handshake message could not be decoded"},
    {MBEDTLS_ERR_SSL_NO_RNG, "TLS: no random generator"},
    {MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION, "TLS: the peer sent an extension it must not send"},
    {MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED, "TLS: no trusted CA certificates configured"},
    {MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE, "TLS: the peer sent a message out of order"},
    {MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, "TLS: the peer sent a fatal alert"},
    {MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME, "TLS: the peer does not know the server name"},
    {MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY, "TLS: the peer closed the connection (close_notify)"},
    {MBEDTLS_ERR_SSL_BAD_CERTIFICATE, "TLS: the server's certificate could not be used"},
    {MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET, "TLS: a session ticket arrived"},
    {MBEDTLS_ERR_SSL_ALLOC_FAILED, "TLS: out of memory"},
    {MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION, "TLS: no protocol version in common with the peer"},
    {MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE, "TLS: handshake failure, no parameters in common with the peer"},
    {MBEDTLS_ERR_SSL_INTERNAL_ERROR, "TLS: internal error"},
    {MBEDTLS_ERR_SSL_COUNTER_WRAPPING, "TLS: the record counter would wrap"},
    {MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL, "TLS: a buffer is too small"},
    {MBEDTLS_ERR_SSL_WANT_READ, "TLS: waiting to read"},
    {MBEDTLS_ERR_SSL_WANT_WRITE, "TLS: waiting to write"},
    {MBEDTLS_ERR_SSL_TIMEOUT, "TLS: timed out"},
    {MBEDTLS_ERR_SSL_UNEXPECTED_RECORD, "TLS: a record arrived that was not expected"},
    {MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER, "TLS: the peer sent an illegal parameter"},
    {MBEDTLS_ERR_SSL_VERSION_MISMATCH, "TLS: protocol version mismatch"},
    {MBEDTLS_ERR_SSL_BAD_CONFIG, "TLS: invalid configuration"},
    {MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE, "X.509: the feature is not compiled in"},
    {MBEDTLS_ERR_X509_UNKNOWN_OID, "X.509: unknown object identifier"},
    {MBEDTLS_ERR_X509_INVALID_FORMAT, "X.509: a certificate is not in valid DER or PEM form"},
    {MBEDTLS_ERR_X509_INVALID_VERSION, "X.509: invalid certificate version"},
    {MBEDTLS_ERR_X509_INVALID_SERIAL, "X.509: invalid serial number"},
    {MBEDTLS_ERR_X509_INVALID_ALG, "X.509: invalid algorithm"},
    {MBEDTLS_ERR_X509_INVALID_NAME, "X.509: invalid name"},
    {MBEDTLS_ERR_X509_INVALID_DATE, "X.509: invalid date"},
    {MBEDTLS_ERR_X509_INVALID_SIGNATURE, "X.509: invalid signature"},
    {MBEDTLS_ERR_X509_INVALID_EXTENSIONS, "X.509: invalid extensions"},
    {MBEDTLS_ERR_X509_UNKNOWN_VERSION, "X.509: unsupported certificate version"},
    {MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, "X.509: unsupported signature algorithm"},
    {MBEDTLS_ERR_X509_SIG_MISMATCH, "X.509: the signature algorithms do not match"},
    {MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, "X.509: certificate verification failed"},
    {MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT, "X.509: unknown certificate format"},
    {MBEDTLS_ERR_X509_BAD_INPUT_DATA, "X.509: bad input"},
    {MBEDTLS_ERR_X509_ALLOC_FAILED, "X.509: out of memory"},
    {MBEDTLS_ERR_X509_FILE_IO_ERROR, "X.509: the file could not be read"},
    {MBEDTLS_ERR_X509_BUFFER_TOO_SMALL, "X.509: a buffer is too small"},
    {MBEDTLS_ERR_X509_FATAL_ERROR, "X.509: fatal error"},
    {MBEDTLS_ERR_PK_ALLOC_FAILED, "public key: out of memory"},
    {MBEDTLS_ERR_PK_TYPE_MISMATCH, "public key: wrong key type"},
    {MBEDTLS_ERR_PK_BAD_INPUT_DATA, "public key: bad input"},
    {MBEDTLS_ERR_PK_FILE_IO_ERROR, "public key: the file could not be read"},
    {MBEDTLS_ERR_PK_KEY_INVALID_VERSION, "public key: unsupported key version"},
    {MBEDTLS_ERR_PK_KEY_INVALID_FORMAT, "public key: invalid key format"},
    {MBEDTLS_ERR_PK_UNKNOWN_PK_ALG, "public key: unknown algorithm"},
    {MBEDTLS_ERR_PK_INVALID_PUBKEY, "public key: invalid key"},
    {MBEDTLS_ERR_PK_INVALID_ALG, "public key: invalid algorithm"},
    {MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE, "public key: the algorithm is not compiled in"},
    {MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT, "PEM: no BEGIN/END lines"},
    {MBEDTLS_ERR_PEM_INVALID_DATA, "PEM: invalid data"},
    {MBEDTLS_ERR_PEM_ALLOC_FAILED, "PEM: out of memory"},
    {MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG, "PEM: unknown encryption"},
    {MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE, "PEM: the feature is not compiled in"},
    {MBEDTLS_ERR_PEM_BAD_INPUT_DATA, "PEM: bad input"},
};

// The lower-level cause, added to a high-level code.
constexpr Words kLowLevel[] = {
    {MBEDTLS_ERR_ERROR_GENERIC_ERROR, "generic error"},
    {MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED, "corruption detected"},
    {MBEDTLS_ERR_ASN1_OUT_OF_DATA, "ASN.1: the data ends early"},
    {MBEDTLS_ERR_ASN1_UNEXPECTED_TAG, "ASN.1: unexpected tag"},
    {MBEDTLS_ERR_ASN1_INVALID_LENGTH, "ASN.1: invalid length"},
    {MBEDTLS_ERR_ASN1_LENGTH_MISMATCH, "ASN.1: the lengths do not match"},
    {MBEDTLS_ERR_ASN1_INVALID_DATA, "ASN.1: invalid data"},
    {MBEDTLS_ERR_ASN1_ALLOC_FAILED, "ASN.1: out of memory"},
    {MBEDTLS_ERR_ASN1_BUF_TOO_SMALL, "ASN.1: a buffer is too small"},
    {MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL, "base64: a buffer is too small"},
    {MBEDTLS_ERR_BASE64_INVALID_CHARACTER, "base64: invalid character"},
    {MBEDTLS_ERR_OID_NOT_FOUND, "unknown object identifier"},
    {MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED, "random generator: the entropy source failed"},
    {MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG, "random generator: request too big"},
    {MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG, "random generator: input too big"},
    {MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR, "random generator: file error"},
    {MBEDTLS_ERR_ENTROPY_SOURCE_FAILED, "entropy: the source failed"},
    {MBEDTLS_ERR_ENTROPY_MAX_SOURCES, "entropy: too many sources"},
    {MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED, "entropy: no sources"},
    {MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE, "entropy: no strong source"},
    {MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR, "entropy: file error"},
};

template <size_t N>
const char* words_for(const Words (&table)[N], int code) {
  for (const Words& w : table) {
    if (w.code == code) return w.text;
  }
  return nullptr;
}

}  // namespace

std::string mbedtls_error_text(int code) {
  unsigned magnitude = static_cast<unsigned>(code < 0 ? -code : code);
  int high = -static_cast<int>(magnitude & 0xFF80u);
  int low = -static_cast<int>(magnitude & 0x007Fu);
  std::string text;
  if (high != 0) {
    const char* words = words_for(kHighLevel, high);
    text = words ? words : "mbedTLS error";
  }
  if (low != 0) {
    const char* words = words_for(kLowLevel, low);
    if (!text.empty()) text += ": ";
    text += words ? words : "mbedTLS error";
  }
  if (text.empty()) text = "mbedTLS error";
  return strfmt("%s (-0x%04x)", text.c_str(), magnitude);
}

}  // namespace taupage
