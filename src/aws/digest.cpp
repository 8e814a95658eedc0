#include "aws/digest.h"

#include <mbedtls/md.h>
#include <mbedtls/sha256.h>

namespace taupage {

std::string sha256(std::string_view data) {
  unsigned char out[32];
  mbedtls_sha256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, 0);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[32];
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  mbedtls_md_hmac(info, reinterpret_cast<const unsigned char*>(key.data()), key.size(), reinterpret_cast<const unsigned char*>(data.data()),
                  data.size(), out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string hex_lower(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

}  // namespace taupage
