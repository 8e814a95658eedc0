/// The HTTP/1.1 wire format as pure functions: a request to bytes, a response head from bytes, a
/// chunk-size line. Kept apart from the sockets so that the parsers of what a server sends (an
/// untrusted input) are tested and fuzzed on their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/http.h"
#include "util/result.h"

namespace taupage {

// The request line, headers and body. Host (from `host_header`) and Content-Length are added
// when the request lacks them; a header name or value that could split the message is an error.
Result<std::string> serialize_request(const HttpRequest& request, std::string_view target, std::string_view host_header);

struct ResponseHead {
  int version_minor = 1;  // HTTP/1.x
  int status = 0;
  std::string reason;
  HttpHeaders headers;
};

// Parses the status line and header lines: `head` is everything before the blank line.
Result<ResponseHead> parse_response_head(std::string_view head);

// How the body of a response is delimited.
struct BodyFraming {
  enum Kind { None, Length, Chunked, UntilClose } kind = None;
  uint64_t length = 0;
};
Result<BodyFraming> body_framing(const ResponseHead& head, std::string_view request_method);

// The size on a chunk-size line ("1a;ext=x"), or nothing when it is not one.
std::optional<uint64_t> parse_chunk_size(std::string_view line);

// Whether the connection may carry another request after this response.
bool keeps_alive(const ResponseHead& head);

}  // namespace taupage
