/// Percent-encoding as SigV4 and the AWS query protocols define it: every byte except the
/// unreserved A-Z a-z 0-9 - . _ ~ becomes %XX in upper-case hex (so a space is %20, never +).
#pragma once

#include <string>
#include <string_view>

namespace taupage {

// Encodes every byte outside the unreserved set; '/' too unless keep_slash.
std::string uri_encode(std::string_view text, bool keep_slash = false);
// Decodes %XX sequences; a malformed escape is kept as it is.
std::string uri_decode(std::string_view text);

}  // namespace taupage
