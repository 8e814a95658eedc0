#include "net/http_wire.h"

#include <cctype>

#include "util/strings.h"

namespace taupage {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && to_lower(key) == to_lower(name)) return value;
  }
  return "";
}

static bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || std::string_view("()<>@,;:\\\"/[]?={}").find(c) != std::string_view::npos) return false;
  }
  return true;
}

static bool has_line_break_or_nul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

static bool has_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (to_lower(header.first) == name) return true;
  }
  return false;
}

Result<std::string> serialize_request(const HttpRequest& request, std::string_view target, std::string_view host_header) {
  if (!is_token(request.method)) return Error("invalid method " + quote(request.method));
  // Origin form ("/path"), or the absolute form a request through a proxy uses ("http://host/path").
  bool absolute = target.substr(0, 7) == "http://";
  if (target.empty() || (target[0] != '/' && !absolute) || target.find_first_of(" \t\r\n") != std::string_view::npos) {
    return Error("invalid request target " + quote(target));
  }
  std::string out = request.method + " " + std::string(target) + " HTTP/1.1\r\n";
  if (!has_header(request.headers, "host")) out += "Host: " + std::string(host_header) + "\r\n";
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name)) return Error("invalid header name " + quote(name));
    if (has_line_break_or_nul(value)) return Error("header " + name + " has a line break in its value");
    out += name + ": " + value + "\r\n";
  }
  bool body_expected = request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if (!has_header(request.headers, "content-length") && !has_header(request.headers, "transfer-encoding") &&
      (!request.body.empty() || body_expected)) {
    out += strfmt("Content-Length: %zu\r\n", request.body.size());
  }
  out += "\r\n";
  out += request.body;
  return out;
}

// Splits at LF, dropping one CR before it.
static std::string_view next_line(std::string_view& text) {
  size_t end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Result<ResponseHead> parse_response_head(std::string_view head) {
  ResponseHead parsed;
  std::string_view status_line = next_line(head);
  // "HTTP/1.1 200 OK": version, a three-digit status, an optional reason.
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || !std::isdigit(static_cast<unsigned char>(status_line[7])) ||
      status_line[8] != ' ') {
    return Error("malformed status line " + quote(status_line.substr(0, 80)));
  }
  parsed.version_minor = status_line[7] - '0';
  std::string_view code = status_line.substr(9, 3);
  auto status = parse_uint(code);
  if (!status || *status < 100 || *status > 999 || (status_line.size() > 12 && status_line[12] != ' ')) {
    return Error("malformed status line " + quote(status_line.substr(0, 80)));
  }
  parsed.status = static_cast<int>(*status);
  if (status_line.size() > 13) parsed.reason = std::string(status_line.substr(13));
  while (!head.empty()) {
    std::string_view line = next_line(head);
    if (line.empty()) continue;
    if (line[0] == ' ' || line[0] == '\t') return Error("folded header lines are not accepted");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Error("malformed header line " + quote(line.substr(0, 80)));
    std::string_view name = line.substr(0, colon);
    if (!is_token(name)) return Error("malformed header name " + quote(name.substr(0, 80)));
    std::string_view value = trim(line.substr(colon + 1));
    if (value.find('\0') != std::string_view::npos) return Error("NUL in header " + std::string(name));
    parsed.headers.emplace_back(std::string(name), std::string(value));
  }
  return parsed;
}

Result<BodyFraming> body_framing(const ResponseHead& head, std::string_view request_method) {
  BodyFraming framing;
  if (request_method == "HEAD" || head.status / 100 == 1 || head.status == 204 || head.status == 304) return framing;
  std::string transfer_encoding;
  std::optional<uint64_t> length;
  for (const auto& [name, value] : head.headers) {
    std::string key = to_lower(name);
    if (key == "transfer-encoding") {
      transfer_encoding += (transfer_encoding.empty() ? "" : ",") + to_lower(value);
    } else if (key == "content-length") {
      auto parsed = parse_uint(value);
      if (!parsed) return Error("invalid Content-Length " + quote(value));
      if (length && *length != *parsed) return Error("conflicting Content-Length headers");
      length = parsed;
    }
  }
  if (!transfer_encoding.empty()) {
    // The last coding decides: chunked ends the body itself, anything else runs until close.
    std::vector<std::string> codings = split(transfer_encoding, ',');
    framing.kind = trim(codings.back()) == "chunked" ? BodyFraming::Chunked : BodyFraming::UntilClose;
    return framing;
  }
  if (length) {
    framing.kind = BodyFraming::Length;
    framing.length = *length;
    return framing;
  }
  framing.kind = BodyFraming::UntilClose;
  return framing;
}

std::optional<uint64_t> parse_chunk_size(std::string_view line) {
  size_t end = line.find(';');
  std::string_view digits = trim(line.substr(0, end));
  if (digits.empty() || digits.size() > 15) return std::nullopt;
  uint64_t size = 0;
  for (char c : digits) {
    int value;
    if (c >= '0' && c <= '9')
      value = c - '0';
    else if (c >= 'a' && c <= 'f')
      value = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      value = c - 'A' + 10;
    else
      return std::nullopt;
    size = size * 16 + static_cast<uint64_t>(value);
  }
  return size;
}

bool keeps_alive(const ResponseHead& head) {
  std::string connection = to_lower(HttpResponse{0, "", head.headers, ""}.header("connection"));
  for (const auto& token : split(connection, ',')) {
    std::string_view t = trim(token);
    if (t == "close") return false;
    if (t == "keep-alive" && head.version_minor == 0) return true;
  }
  return head.version_minor >= 1;
}

}  // namespace taupage
