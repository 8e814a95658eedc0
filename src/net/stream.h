/// A connected byte stream with deadlines: a plain socket (TCP or unix) or a TLS session over one.
/// The HTTP client speaks to this interface only, so TLS is one more layer, not another client.
#pragma once

#include <cstddef>
#include <string_view>

#include "net/deadline.h"
#include "util/result.h"

namespace taupage {

class Stream {
 public:
  virtual ~Stream() = default;
  // Up to `size` bytes as soon as any arrive; 0 means the peer closed the stream.
  virtual Result<size_t> read_some(char* buffer, size_t size, const Deadline& deadline) = 0;
  virtual Status write_all(std::string_view data, const Deadline& deadline) = 0;
  // Whether an idle connection can carry another request: the peer has not closed it and sent
  // nothing unasked.
  virtual bool reusable() = 0;
};

}  // namespace taupage
