/// Our words for the mbedTLS error codes a TLS connection, its random generator and a CA bundle
/// can end with. mbedtls_strerror would do it for every code of the library, with a 14 KB table
/// in the static binary; the code itself is always printed, so a rare one can still be looked up.
#pragma once

#include <string>

namespace taupage {

// "<what went wrong>[: <the lower-level cause>] (-0x7780)". mbedTLS codes add a high-level part
// (the module that failed: SSL, X.509, PK, PEM) and a low-level part (ASN.1, base64, ...).
std::string mbedtls_error_text(int code);

}  // namespace taupage
