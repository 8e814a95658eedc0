/// Small string helpers used everywhere: printf-style formatting (no <iostream>, no <format> in
/// g++ 12), splitting, trimming, joining, and the edit distance behind "did you mean" suggestions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taupage {

std::string strfmt(const char* format, ...) __attribute__((format(printf, 1, 2)));

std::vector<std::string> split(std::string_view text, char separator);
std::string_view trim(std::string_view text);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
std::string to_lower(std::string_view text);
bool is_all_digits(std::string_view text);

// Parses a whole decimal number without sign; nothing else may follow it.
std::optional<uint64_t> parse_uint(std::string_view text);

// Levenshtein distance, for suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo, else empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// Appends the UTF-8 encoding of a Unicode code point (JSON \u escapes, XML character references).
void append_utf8(std::string& out, uint32_t code_point);

// Quotes and escapes a string the way JSON does ("a\"b").
std::string quote(std::string_view text);

// The text with control characters other than newline and tab written as \xNN, so that a
// path or a server's message cannot drive the terminal (escape sequences, carriage returns).
std::string printable(std::string_view text);

}  // namespace taupage
