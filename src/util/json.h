/// JSON values: built and printed for reports and `--json` output, and parsed (with limits on
/// size and depth) for the Docker and AWS JSON APIs. Objects keep their keys in insertion order
/// so that what we print reads in the order we wrote it.
///
/// Numbers, as RFC 8259 has them (no leading zeros). An integer literal (no fraction, no
/// exponent) keeps its exact value as an int64, also beyond 2^53 where a double would round it;
/// one outside the int64 range is refused with a message that names it, never rounded: nothing
/// we read (sizes, counts, exit codes, times) comes near it, and a rounded id or size would be
/// wrong without a word. A fraction or an exponent makes a double; beyond a double, refused.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace taupage {

class Json {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };
  using Member = std::pair<std::string, Json>;

  Json() = default;
  Json(std::nullptr_t) {}                                                                                  // NOLINT
  Json(bool b) : type_(Type::Bool), bool_(b) {}                                                            // NOLINT
  Json(int n) : type_(Type::Number), number_(n), integer_(n), integral_(true) {}                           // NOLINT
  Json(int64_t n) : type_(Type::Number), number_(static_cast<double>(n)), integer_(n), integral_(true) {}  // NOLINT
  // Above INT64_MAX only a double is left.
  Json(uint64_t n)  // NOLINT
      : type_(Type::Number), number_(static_cast<double>(n)), integer_(static_cast<int64_t>(n)), integral_(n <= INT64_MAX) {}
  Json(double n) : type_(Type::Number), number_(n) {}                  // NOLINT
  Json(const char* s) : type_(Type::String), string_(s) {}             // NOLINT
  Json(std::string s) : type_(Type::String), string_(std::move(s)) {}  // NOLINT
  Json(std::string_view s) : type_(Type::String), string_(s) {}        // NOLINT

  static Json array() {
    Json j;
    j.type_ = Type::Array;
    return j;
  }
  static Json object() {
    Json j;
    j.type_ = Type::Object;
    return j;
  }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_bool() const { return type_ == Type::Bool; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }

  bool as_bool() const { return bool_; }
  double as_number() const { return number_; }
  // Exact for an integer; a double is truncated and clamped (beyond int64 the conversion
  // would be undefined).
  int64_t as_int() const {
    if (integral_) return integer_;
    if (!(number_ == number_)) return 0;  // NaN
    if (number_ >= 9223372036854775808.0) return INT64_MAX;
    if (number_ < -9223372036854775808.0) return INT64_MIN;
    return static_cast<int64_t>(number_);
  }
  const std::string& as_string() const { return string_; }
  const std::vector<Json>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }

  // Arrays.
  Json& push(Json value);
  size_t size() const { return type_ == Type::Array ? items_.size() : members_.size(); }
  const Json& operator[](size_t i) const;
  // Objects: set() replaces an existing key; get() returns null for a missing key.
  Json& set(const std::string& key, Json value);
  const Json& get(std::string_view key) const;
  bool has(std::string_view key) const;
  // The string at `key`, or `fallback` when missing or not a string.
  std::string get_string(std::string_view key, std::string_view fallback = {}) const;

  // indent < 0: one line; otherwise pretty-printed with that many spaces.
  std::string dump(int indent = -1) const;

 private:
  void dump_to(std::string& out, int indent, int depth) const;

  Type type_ = Type::Null;
  bool bool_ = false;
  double number_ = 0;    // for an integer too, rounded
  int64_t integer_ = 0;  // exact, when integral_
  bool integral_ = false;
  std::string string_;
  std::vector<Json> items_;
  std::vector<Member> members_;
};

struct JsonLimits {
  size_t max_bytes = 64 * 1024 * 1024;
  size_t max_depth = 64;
};

Result<Json> parse_json(std::string_view text, JsonLimits limits = {});

}  // namespace taupage
