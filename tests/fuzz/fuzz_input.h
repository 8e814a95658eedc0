/// A fuzz input as a conversation: the bytes split at kSegmentMark into the answers a peer
/// sends, one per request or receive, so that one input drives a whole exchange (token, then
/// value; ping, then pull, then logs) and a seed stays readable as text.
#pragma once

#include <string_view>
#include <vector>

namespace taupage::fuzz {

inline constexpr std::string_view kSegmentMark = "\n=====\n";

// The segments between marks; an input without a mark is one segment.
std::vector<std::string_view> split_segments(std::string_view input);

}  // namespace taupage::fuzz
