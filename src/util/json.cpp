#include "util/json.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "util/strings.h"

namespace taupage {

Json& Json::push(Json value) {
  type_ = Type::Array;
  items_.push_back(std::move(value));
  return items_.back();
}

const Json& Json::operator[](size_t i) const {
  static const Json null;
  return i < items_.size() ? items_[i] : null;
}

Json& Json::set(const std::string& key, Json value) {
  type_ = Type::Object;
  for (auto& member : members_) {
    if (member.first == key) {
      member.second = std::move(value);
      return member.second;
    }
  }
  members_.emplace_back(key, std::move(value));
  return members_.back().second;
}

const Json& Json::get(std::string_view key) const {
  static const Json null;
  for (const auto& member : members_) {
    if (member.first == key) return member.second;
  }
  return null;
}

bool Json::has(std::string_view key) const {
  for (const auto& member : members_) {
    if (member.first == key) return true;
  }
  return false;
}

std::string Json::get_string(std::string_view key, std::string_view fallback) const {
  const Json& v = get(key);
  return v.is_string() ? v.as_string() : std::string(fallback);
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  return out;
}

void Json::dump_to(std::string& out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent * d), ' ');
  };
  switch (type_) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += bool_ ? "true" : "false"; break;
    case Type::Number:
      if (integral_) {
        out += strfmt("%lld", static_cast<long long>(integer_));
      } else if (std::floor(number_) == number_ && std::fabs(number_) < 1e15) {
        out += strfmt("%lld", static_cast<long long>(number_));
      } else {
        out += strfmt("%.15g", number_);  // 15 digits: 0.743, not 0.74299999999999999
      }
      break;
    case Type::String: out += quote(string_); break;
    case Type::Array:
      out += '[';
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        items_[i].dump_to(out, indent, depth + 1);
      }
      if (!items_.empty()) newline(depth);
      out += ']';
      break;
    case Type::Object:
      out += '{';
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        out += quote(members_[i].first);
        out += indent < 0 ? ":" : ": ";
        members_[i].second.dump_to(out, indent, depth + 1);
      }
      if (!members_.empty()) newline(depth);
      out += '}';
      break;
  }
}

namespace {

class Parser {
 public:
  Parser(std::string_view text, JsonLimits limits) : text_(text), limits_(limits) {}

  Result<Json> parse_document() {
    if (text_.size() > limits_.max_bytes) {
      return Error(strfmt("JSON document of %zu bytes is over the limit of %zu bytes", text_.size(), limits_.max_bytes));
    }
    auto value = parse_value(0);
    if (!value) return value;
    skip_space();
    if (pos_ != text_.size()) return fail("unexpected text after the JSON value");
    return value;
  }

 private:
  Error fail(const std::string& what) const { return Error(strfmt("invalid JSON at byte %zu: %s", pos_ + 1, what.c_str())); }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
  }

  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Result<Json> parse_value(size_t depth) {
    if (depth > limits_.max_depth) return fail("nested too deeply");
    skip_space();
    if (pos_ >= text_.size()) return fail("unexpected end");
    char c = text_[pos_];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') {
      auto s = parse_string();
      if (!s) return s.error();
      return Json(std::move(*s));
    }
    if (consume("true")) return Json(true);
    if (consume("false")) return Json(false);
    if (consume("null")) return Json();
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
    return fail(strfmt("unexpected character '%c'", c));
  }

  Result<Json> parse_number() {
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    bool integral = true;
    auto digits = [&] {
      size_t s = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ > s;
    };
    if (pos_ < text_.size() && text_[pos_] == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9') {
      return fail("a number with a leading zero (RFC 8259 has none: 0, 10, 0.5)");
    }
    if (!digits()) return fail("a number needs digits");
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      integral = false;
      if (!digits()) return fail("a number needs digits after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      integral = false;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digits()) return fail("a number needs digits in its exponent");
    }
    std::string number(text_.substr(start, pos_ - start));
    if (integral) {
      errno = 0;
      long long whole = std::strtoll(number.c_str(), nullptr, 10);
      if (errno == ERANGE) {
        pos_ = start;
        std::string shown = number.size() > 40 ? number.substr(0, 40) + "..." : number;
        return fail("the integer " + shown + " is beyond the 64-bit integer range (it would be rounded)");
      }
      return Json(static_cast<int64_t>(whole));
    }
    // Beyond a double it is refused rather than made infinite.
    double value = std::strtod(number.c_str(), nullptr);
    if (!std::isfinite(value)) return fail("a number out of range");
    return Json(value);
  }

  Result<uint32_t> parse_hex4() {
    if (pos_ + 4 > text_.size()) return fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<uint32_t>(h - 'A' + 10);
      else
        return fail("bad hex digit in \\u escape");
    }
    return v;
  }

  Result<std::string> parse_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) return fail("unterminated string");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) return fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          auto cp = parse_hex4();
          if (!cp) return cp.error();
          uint32_t code = *cp;
          if (code >= 0xD800 && code <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            auto low = parse_hex4();
            if (!low) return low.error();
            if (*low >= 0xDC00 && *low <= 0xDFFF) code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
          }
          append_utf8(out, code);
          break;
        }
        default: return fail(strfmt("unknown escape '\\%c'", e));
      }
    }
  }

  Result<Json> parse_array(size_t depth) {
    ++pos_;
    Json array = Json::array();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return array;
    }
    while (true) {
      auto item = parse_value(depth + 1);
      if (!item) return item;
      array.push(std::move(*item));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return array;
      }
      return fail("expected ',' or ']' in array");
    }
  }

  Result<Json> parse_object(size_t depth) {
    ++pos_;
    Json object = Json::object();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return object;
    }
    while (true) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a string key in object");
      auto key = parse_string();
      if (!key) return key.error();
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':' after object key");
      ++pos_;
      auto value = parse_value(depth + 1);
      if (!value) return value;
      object.set(*key, std::move(*value));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return object;
      }
      return fail("expected ',' or '}' in object");
    }
  }

  std::string_view text_;
  JsonLimits limits_;
  size_t pos_ = 0;
};

}  // namespace

Result<Json> parse_json(std::string_view text, JsonLimits limits) { return Parser(text, limits).parse_document(); }

}  // namespace taupage
