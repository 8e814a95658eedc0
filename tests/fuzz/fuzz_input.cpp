#include "fuzz/fuzz_input.h"

#include <string.h>

namespace taupage::fuzz {

std::vector<std::string_view> split_segments(std::string_view input) {
  std::vector<std::string_view> segments;
  while (true) {
    // memmem, not find(): libFuzzer watches memmem's arguments and learns the mark from them.
    const void* at = ::memmem(input.data(), input.size(), kSegmentMark.data(), kSegmentMark.size());
    if (!at) break;
    size_t length = static_cast<size_t>(static_cast<const char*>(at) - input.data());
    segments.push_back(input.substr(0, length));
    input.remove_prefix(length + kSegmentMark.size());
  }
  segments.push_back(input);
  return segments;
}

}  // namespace taupage::fuzz
