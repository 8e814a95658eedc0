/// SHA-256 and HMAC-SHA-256 (through mbedTLS) and lower-case hex: the primitives of SigV4.
/// Kept apart from the signer so that the stand-in checks and the tests can use them alone.
#pragma once

#include <string>
#include <string_view>

namespace taupage {

// Raw 32-byte digests.
std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
// Lower-case hex of any bytes.
std::string hex_lower(std::string_view bytes);
inline std::string sha256_hex(std::string_view data) { return hex_lower(sha256(data)); }

}  // namespace taupage
