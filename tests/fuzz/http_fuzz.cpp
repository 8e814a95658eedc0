// libFuzzer target for what an HTTP server sends back: the response head parser, the body
// framing decision and the chunk-size line parser (the socket-side reader is bounded around them).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/http_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto head = taupage::parse_response_head(text);
  if (head) {
    (void)taupage::body_framing(*head, "GET");
    (void)taupage::body_framing(*head, "HEAD");
    (void)taupage::keeps_alive(*head);
  }
  size_t line_end = text.find('\n');
  (void)taupage::parse_chunk_size(text.substr(0, line_end));
  return 0;
}
