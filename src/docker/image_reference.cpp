#include "docker/image_reference.h"

#include "util/strings.h"

namespace taupage {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// A repository path component: [a-z0-9]+ separated by ".", "_", "__" or runs of "-".
bool valid_path_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size(); ++i) {
    char ch = c[i];
    if (is_lower_alnum(ch) || ch == '-') continue;
    if (ch == '.') {
      if (!is_lower_alnum(c[i + 1])) return false;
      continue;
    }
    if (ch == '_') {
      if (c[i + 1] == '_') ++i;
      if (!is_lower_alnum(c[i + 1])) return false;
      continue;
    }
    return false;
  }
  return true;
}

// A registry host: DNS labels or an IPv4 address, optionally ":port".
bool valid_registry(std::string_view r) {
  size_t colon = r.rfind(':');
  std::string_view host = r.substr(0, colon);
  if (colon != std::string_view::npos) {
    auto port = parse_uint(r.substr(colon + 1));
    if (!port || *port == 0 || *port > 65535) return false;
  }
  if (host.empty()) return false;
  for (const auto& label : split(host, '.')) {
    if (label.empty() || label.size() > 63 || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
  }
  return true;
}

bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  if (!(is_alnum(t[0]) || t[0] == '_')) return false;
  for (char c : t) {
    if (!(is_alnum(c) || c == '_' || c == '.' || c == '-')) return false;
  }
  return true;
}

}  // namespace

std::string ImageReference::name() const { return registry.empty() ? repository : registry + "/" + repository; }

std::string ImageReference::text() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

bool parse_image_reference(std::string_view text, ImageReference* out, std::string* problem) {
  ImageReference ref;
  std::string_view rest = text;
  if (rest.empty()) {
    *problem = "the image reference is empty";
    return false;
  }
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (digest.substr(0, 7) != "sha256:" || digest.size() != 7 + 64) {
      *problem = "the digest must be sha256: followed by 64 hex digits";
      return false;
    }
    for (char c : digest.substr(7)) {
      if (!is_hex(c)) {
        *problem = "the digest must be sha256: followed by 64 lowercase hex digits";
        return false;
      }
    }
    ref.digest = std::string(digest);
  }
  size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos || first == "localhost") {
      if (!valid_registry(first)) {
        *problem = "invalid registry \"" + std::string(first) + "\"";
        return false;
      }
      ref.registry = std::string(first);
      rest = rest.substr(slash + 1);
    }
  }
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view tag = rest.substr(colon + 1);
    if (!valid_tag(tag)) {
      *problem = "invalid tag \"" + std::string(tag) + "\" (letters, digits, '_', '.', '-'; at most 128)";
      return false;
    }
    ref.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) {
    *problem = "the image has no repository name";
    return false;
  }
  for (const auto& component : split(rest, '/')) {
    if (!valid_path_component(component)) {
      *problem = "invalid repository path component \"" + component + "\" (lowercase letters and digits, separated by '.', '_' or '-')";
      return false;
    }
  }
  ref.repository = std::string(rest);
  if (ref.tag.empty() && ref.digest.empty()) {
    *problem = "the image has no tag: give an explicit version such as \"" + std::string(text) + ":1.0\" or a @sha256: digest";
    return false;
  }
  if (ref.tag == "latest") {
    *problem = "the tag \"latest\" is not allowed: it names no fixed version; give the version you tested";
    return false;
  }
  *out = std::move(ref);
  return true;
}

}  // namespace taupage
