// Our words for mbedTLS error codes: combined codes give both parts, unknown ones still print
// the code, and each code we name is one mbedtls_strerror (linked into the tests, not into the
// binary) knows, of the same module.
#include "net/mbedtls_error.h"

#include <gtest/gtest.h>

#include <string>

#include "mbedtls/asn1.h"
#include "mbedtls/error.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509.h"

namespace taupage {
namespace {

std::string library_words(int code) {
  char buffer[256];
  mbedtls_strerror(code, buffer, sizeof buffer);
  return buffer;
}

TEST(MbedtlsError, HighLevelCodes) {
  EXPECT_EQ(mbedtls_error_text(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE), "TLS: the peer sent a fatal alert (-0x7780)");
  EXPECT_EQ(mbedtls_error_text(MBEDTLS_ERR_X509_FILE_IO_ERROR), "X.509: the file could not be read (-0x2900)");
}

TEST(MbedtlsError, CombinedCodeGivesBothParts) {
  int code = MBEDTLS_ERR_X509_INVALID_FORMAT + MBEDTLS_ERR_ASN1_OUT_OF_DATA;
  EXPECT_EQ(mbedtls_error_text(code), "X.509: a certificate is not in valid DER or PEM form: ASN.1: the data ends early (-0x21e0)");
}

TEST(MbedtlsError, UnknownCodesStillPrintTheCode) {
  EXPECT_EQ(mbedtls_error_text(-0x7d7f), "mbedTLS error: mbedTLS error (-0x7d7f)");
  EXPECT_EQ(mbedtls_error_text(-0x0002), "mbedTLS error (-0x0002)");
}

TEST(MbedtlsError, EveryCodeWeNameIsOneTheLibraryKnowsOfTheSameModule) {
  struct Module {
    int first, last;
    const char* ours;
    const char* library;
  };
  const Module modules[] = {{0x5D80, 0x7F80, "TLS: ", "SSL - "},
                            {0x2080, 0x3000, "X.509: ", "X509 - "},
                            {0x3880, 0x3F80, "public key: ", "PK - "},
                            {0x1080, 0x1480, "PEM: ", "PEM - "}};
  int named = 0;
  for (const Module& m : modules) {
    for (int magnitude = m.first; magnitude <= m.last; magnitude += 0x80) {
      std::string ours = mbedtls_error_text(-magnitude);
      if (ours.rfind("mbedTLS error", 0) == 0) continue;
      SCOPED_TRACE(ours);
      EXPECT_EQ(ours.rfind(m.ours, 0), 0u);
      EXPECT_EQ(library_words(-magnitude).rfind(m.library, 0), 0u) << library_words(-magnitude);
      ++named;
    }
  }
  for (int magnitude = 0x01; magnitude <= 0x7F; ++magnitude) {
    std::string ours = mbedtls_error_text(-magnitude);
    if (ours.rfind("mbedTLS error", 0) == 0) continue;
    SCOPED_TRACE(ours);
    EXPECT_EQ(library_words(-magnitude).find("UNKNOWN"), std::string::npos) << library_words(-magnitude);
    ++named;
  }
  EXPECT_GT(named, 80);
}

}  // namespace
}  // namespace taupage
