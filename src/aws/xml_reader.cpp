#include "aws/xml_reader.h"

#include "util/strings.h"

namespace taupage {

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const auto& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

std::string XmlElement::child_text(std::string_view child_name) const {
  const XmlElement* c = child(child_name);
  return c ? c->text : std::string();
}

const XmlElement* XmlElement::find(std::string_view descendant_name) const {
  for (const auto& c : children) {
    if (c.name == descendant_name) return &c;
    if (const XmlElement* found = c.find(descendant_name)) return found;
  }
  return nullptr;
}

namespace {

class Parser {
 public:
  Parser(std::string_view text, XmlLimits limits) : s_(text), limits_(limits) {}

  Result<XmlElement> document() {
    if (s_.size() > limits_.max_bytes) return Error(strfmt("XML answer too large (%zu bytes, limit %zu)", s_.size(), limits_.max_bytes));
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    if (auto st = skip_misc(); !st) return st.error();
    if (pos_ >= s_.size() || s_[pos_] != '<') return fail("expected the root element");
    XmlElement root;
    if (auto st = element(root, 1); !st) return st.error();
    if (auto st = skip_misc(); !st) return st.error();
    if (pos_ != s_.size()) return fail("content after the root element");
    return root;
  }

 private:
  Error fail(const std::string& what) const { return Error(strfmt("invalid XML at byte %zu: %s", pos_, what.c_str())); }

  bool starts(std::string_view prefix) const { return s_.substr(pos_, prefix.size()) == prefix; }

  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) ++pos_;
  }

  // Whitespace, comments and processing instructions between elements at the top level.
  Status skip_misc() {
    for (;;) {
      skip_space();
      if (starts("<?")) {
        size_t end = s_.find("?>", pos_ + 2);
        if (end == std::string_view::npos) return fail("unterminated processing instruction");
        pos_ = end + 2;
      } else if (starts("<!--")) {
        size_t end = s_.find("-->", pos_ + 4);
        if (end == std::string_view::npos) return fail("unterminated comment");
        pos_ = end + 3;
      } else if (starts("<!")) {
        return fail("DTDs are not accepted");
      } else {
        return {};
      }
    }
  }

  static bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
  }

  Result<std::string> name() {
    size_t start = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    if (pos_ == start) return fail("expected a name");
    return std::string(s_.substr(start, pos_ - start));
  }

  static std::string local(const std::string& qualified) {
    size_t colon = qualified.rfind(':');
    return colon == std::string::npos ? qualified : qualified.substr(colon + 1);
  }

  // At '&': decodes one entity into out.
  Status entity(std::string& out) {
    size_t end = s_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) return fail("unterminated entity");
    std::string_view e = s_.substr(pos_ + 1, end - pos_ - 1);
    if (e == "lt")
      out += '<';
    else if (e == "gt")
      out += '>';
    else if (e == "amp")
      out += '&';
    else if (e == "quot")
      out += '"';
    else if (e == "apos")
      out += '\'';
    else if (e.size() > 1 && e[0] == '#') {
      uint32_t cp = 0;
      bool hex = e[1] == 'x' || e[1] == 'X';
      std::string_view digits = e.substr(hex ? 2 : 1);
      if (digits.empty()) return fail("empty character reference");
      for (char c : digits) {
        int v;
        if (c >= '0' && c <= '9')
          v = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
          v = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
          v = c - 'A' + 10;
        else
          return fail("bad character reference");
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        if (cp > 0x10FFFF) return fail("character reference out of range");
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return fail("character reference out of range");
      append_utf8(out, cp);
    } else {
      return fail("unknown entity &" + std::string(e) + ";");
    }
    pos_ = end + 1;
    return {};
  }

  Status attributes() {
    for (;;) {
      skip_space();
      if (pos_ >= s_.size()) return fail("unterminated tag");
      if (s_[pos_] == '>' || s_[pos_] == '/') return {};
      auto attr = name();
      if (!attr) return attr.error();
      skip_space();
      if (pos_ >= s_.size() || s_[pos_] != '=') return fail("expected '=' after attribute name");
      ++pos_;
      skip_space();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return fail("expected a quoted attribute value");
      char quote_char = s_[pos_++];
      size_t end = s_.find(quote_char, pos_);
      if (end == std::string_view::npos) return fail("unterminated attribute value");
      pos_ = end + 1;
    }
  }

  Status element(XmlElement& out, size_t depth) {
    if (depth > limits_.max_depth) return fail("nested too deeply");
    if (++elements_ > limits_.max_elements) return fail("too many elements");
    ++pos_;  // '<'
    auto qualified = name();
    if (!qualified) return qualified.error();
    out.name = local(*qualified);
    if (auto st = attributes(); !st) return st;
    if (s_[pos_] == '/') {
      if (pos_ + 1 >= s_.size() || s_[pos_ + 1] != '>') return fail("expected '/>'");
      pos_ += 2;
      return {};
    }
    ++pos_;  // '>'
    for (;;) {
      if (pos_ >= s_.size()) return fail("unterminated element <" + *qualified + ">");
      char c = s_[pos_];
      if (c == '<') {
        if (starts("</")) {
          pos_ += 2;
          auto closing = name();
          if (!closing) return closing.error();
          if (*closing != *qualified) return fail("</" + *closing + "> closes <" + *qualified + ">");
          skip_space();
          if (pos_ >= s_.size() || s_[pos_] != '>') return fail("expected '>'");
          ++pos_;
          return {};
        }
        if (starts("<!--")) {
          size_t end = s_.find("-->", pos_ + 4);
          if (end == std::string_view::npos) return fail("unterminated comment");
          pos_ = end + 3;
          continue;
        }
        if (starts("<![CDATA[")) {
          size_t end = s_.find("]]>", pos_ + 9);
          if (end == std::string_view::npos) return fail("unterminated CDATA");
          out.text.append(s_.substr(pos_ + 9, end - pos_ - 9));
          pos_ = end + 3;
          continue;
        }
        if (starts("<?")) {
          size_t end = s_.find("?>", pos_ + 2);
          if (end == std::string_view::npos) return fail("unterminated processing instruction");
          pos_ = end + 2;
          continue;
        }
        if (starts("<!")) return fail("declarations are not accepted inside elements");
        out.children.emplace_back();
        if (auto st = element(out.children.back(), depth + 1); !st) return st;
      } else if (c == '&') {
        if (auto st = entity(out.text); !st) return st;
      } else {
        out.text += c;
        ++pos_;
      }
    }
  }

  std::string_view s_;
  XmlLimits limits_;
  size_t pos_ = 0;
  size_t elements_ = 0;
};

}  // namespace

Result<XmlElement> parse_xml(std::string_view text, XmlLimits limits) { return Parser(text, limits).document(); }

}  // namespace taupage
