/// Standard base64 (RFC 4648, with padding): KMS ciphertexts in user data, the CFN_V1
/// signature header, Docker's X-Registry-Auth.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace taupage {

std::string base64_encode(std::string_view bytes);
// Decodes strict base64: only the alphabet, length a multiple of 4, padding only at the end.
std::optional<std::string> base64_decode(std::string_view text);
// The reason `text` is not valid base64, or empty when it is.
std::string base64_problem(std::string_view text);

}  // namespace taupage
