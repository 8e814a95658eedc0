#include "net/http_client.h"

#include <algorithm>
#include <cstring>

#include "net/dns_resolver.h"
#include "net/http_wire.h"
#include "net/socket.h"
#include "net/tls.h"
#include "util/strings.h"

namespace taupage {

namespace {

constexpr size_t kReadSize = 16 * 1024;
constexpr size_t kMaxChunkLine = 4096;

// The response side of one exchange: a read buffer over the stream, and whether anything at all
// came back (a reused connection that the server had closed fails before that, and is retried).
class ResponseReader {
 public:
  ResponseReader(Stream& stream, const Deadline& deadline, int idle_ms) : stream_(stream), deadline_(deadline), idle_ms_(idle_ms) {}

  // Reads more into the buffer; false at end of stream.
  Result<bool> fill() {
    if (pos_ > 0 && pos_ * 2 >= buffer_.size()) {
      buffer_.erase(0, pos_);
      pos_ = 0;
    }
    size_t old = buffer_.size();
    buffer_.resize(old + kReadSize);
    const Deadline read_deadline = idle_ms_ > 0 ? deadline_.capped_ms(idle_ms_) : deadline_;
    auto n = stream_.read_some(buffer_.data() + old, kReadSize, read_deadline);
    if (!n) {
      buffer_.resize(old);
      if (idle_ms_ > 0 && read_deadline.expired() && !deadline_.expired()) {
        return std::move(n).error().wrap(strfmt("nothing received for %d ms", idle_ms_));
      }
      return std::move(n).error();
    }
    buffer_.resize(old + *n);
    if (*n > 0) started_ = true;
    return *n > 0;
  }

  std::string_view pending() const { return std::string_view(buffer_).substr(pos_); }
  void consume(size_t n) { pos_ += n; }
  bool started() const { return started_; }

  // The text before the next blank line (the blank line consumed), bounded by max_bytes.
  Result<std::string> read_head(size_t max_bytes) {
    size_t searched = 0;
    while (true) {
      std::string_view data = pending();
      size_t end = find_blank_line(data, searched);
      if (end != std::string_view::npos) {
        size_t head_end = end;
        size_t skip = data[end] == '\r' ? 4 : 2;
        if (head_end > max_bytes) break;
        std::string head(data.substr(0, head_end));
        consume(head_end + skip);
        return head;
      }
      if (data.size() > max_bytes) break;
      searched = data.size() > 3 ? data.size() - 3 : 0;
      auto more = fill();
      if (!more) return std::move(more).error();
      if (!*more) return Error(started_ ? "connection closed in the response headers" : "connection closed before a response");
    }
    return Error(strfmt("response headers larger than %zu bytes", max_bytes), ErrorKind::Protocol);
  }

  // One line (without its line end), bounded by max_bytes.
  Result<std::string> read_line(size_t max_bytes) {
    while (true) {
      std::string_view data = pending();
      size_t end = data.find('\n');
      if (end != std::string_view::npos) {
        if (end > max_bytes) break;
        std::string line(data.substr(0, end));
        consume(end + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (data.size() > max_bytes) break;
      auto more = fill();
      if (!more) return std::move(more).error();
      if (!*more) return Error("connection closed in the chunked body");
    }
    return Error(strfmt("chunked body line longer than %zu bytes", max_bytes), ErrorKind::Protocol);
  }

 private:
  // Offset of "\r\n\r\n" or "\n\n" (the first of its bytes), searching from `from`.
  static size_t find_blank_line(std::string_view data, size_t from) {
    for (size_t i = from; i + 1 < data.size(); ++i) {
      if (data[i] == '\n' && data[i + 1] == '\n') return i;
      if (i + 3 < data.size() && data.compare(i, 4, "\r\n\r\n") == 0) return i;
    }
    return std::string_view::npos;
  }

  Stream& stream_;
  const Deadline& deadline_;
  int idle_ms_;
  std::string buffer_;
  size_t pos_ = 0;
  bool started_ = false;
};

// Where a body's pieces go: the caller's on_body, or the response, within the size limit.
class BodySink {
 public:
  BodySink(const HttpRequest& request, HttpResponse& response, size_t limit) : request_(request), response_(response), limit_(limit) {}
  Status put(std::string_view piece) {
    if (piece.empty()) return Status::Ok();
    if (request_.on_body) {
      if (!request_.on_body(piece)) return Error("aborted by the receiver of the body");
      return Status::Ok();
    }
    if (response_.body.size() + piece.size() > limit_) return Error(strfmt("response body larger than %zu bytes", limit_));
    response_.body.append(piece);
    return Status::Ok();
  }
  bool collecting() const { return !request_.on_body; }

 private:
  const HttpRequest& request_;
  HttpResponse& response_;
  size_t limit_;
};

struct Exchange {
  HttpResponse response;
  bool reusable = false;
};

Result<Exchange> read_response(ResponseReader& reader, const HttpRequest& request, const HttpClientOptions& options) {
  Exchange exchange;
  ResponseHead head;
  while (true) {
    auto text = reader.read_head(options.max_header_bytes);
    if (!text) return std::move(text).error();
    auto parsed = parse_response_head(*text);
    if (!parsed) return Error(parsed.error().message(), ErrorKind::Protocol);
    head = std::move(*parsed);
    // Interim answers (100 Continue, 103 Early Hints) precede the real one.
    if (head.status / 100 != 1 || head.status == 101) break;
  }
  auto framing = body_framing(head, request.method);
  if (!framing) return Error(framing.error().message(), ErrorKind::Protocol);
  exchange.response.status = head.status;
  exchange.response.reason = head.reason;
  exchange.response.headers = head.headers;
  size_t limit = request.max_body_bytes ? request.max_body_bytes : options.max_body_bytes;
  BodySink sink(request, exchange.response, limit);
  switch (framing->kind) {
    case BodyFraming::None: break;
    case BodyFraming::Length: {
      if (sink.collecting() && framing->length > limit) {
        return Error(
            strfmt("response body of %llu bytes is larger than the limit of %zu", static_cast<unsigned long long>(framing->length), limit));
      }
      uint64_t left = framing->length;
      while (left > 0) {
        if (reader.pending().empty()) {
          auto more = reader.fill();
          if (!more) return std::move(more).error().wrap("read response body");
          if (!*more) {
            return Error(strfmt("connection closed after %llu of %llu body bytes", static_cast<unsigned long long>(framing->length - left),
                                static_cast<unsigned long long>(framing->length)));
          }
        }
        std::string_view piece = reader.pending().substr(0, static_cast<size_t>(std::min<uint64_t>(left, reader.pending().size())));
        Status put = sink.put(piece);
        if (!put) return std::move(put).error();
        reader.consume(piece.size());
        left -= piece.size();
      }
      break;
    }
    case BodyFraming::Chunked: {
      size_t trailer_budget = options.max_header_bytes;
      while (true) {
        auto line = reader.read_line(kMaxChunkLine);
        if (!line) return std::move(line).error();
        auto size = parse_chunk_size(*line);
        if (!size) return Error("malformed chunk size line " + quote(line->substr(0, 40)), ErrorKind::Protocol);
        if (*size == 0) break;
        uint64_t left = *size;
        while (left > 0) {
          if (reader.pending().empty()) {
            auto more = reader.fill();
            if (!more) return std::move(more).error().wrap("read response body");
            if (!*more) return Error("connection closed in the chunked body");
          }
          std::string_view piece = reader.pending().substr(0, static_cast<size_t>(std::min<uint64_t>(left, reader.pending().size())));
          Status put = sink.put(piece);
          if (!put) return std::move(put).error();
          reader.consume(piece.size());
          left -= piece.size();
        }
        auto end = reader.read_line(kMaxChunkLine);
        if (!end) return std::move(end).error();
        if (!end->empty()) return Error("chunk data longer than its size line said", ErrorKind::Protocol);
      }
      // Trailers, up to the blank line that ends the message; they are not kept.
      while (true) {
        auto trailer = reader.read_line(trailer_budget);
        if (!trailer) return std::move(trailer).error();
        if (trailer->empty()) break;
        trailer_budget -= std::min(trailer_budget, trailer->size() + 2);
        if (trailer_budget == 0) {
          return Error(strfmt("response trailers larger than %zu bytes", options.max_header_bytes), ErrorKind::Protocol);
        }
      }
      break;
    }
    case BodyFraming::UntilClose: {
      while (true) {
        Status put = sink.put(reader.pending());
        if (!put) return std::move(put).error();
        reader.consume(reader.pending().size());
        auto more = reader.fill();
        if (!more) return std::move(more).error().wrap("read response body");
        if (!*more) break;
      }
      break;
    }
  }
  exchange.reusable = framing->kind != BodyFraming::UntilClose && keeps_alive(head) && reader.pending().empty();
  return exchange;
}

bool asks_to_close(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (to_lower(name) == "connection" && to_lower(value).find("close") != std::string::npos) return true;
  }
  return false;
}

std::string pool_key(const Endpoint& endpoint) {
  if (endpoint.scheme == "unix") return "unix:" + endpoint.socket_path;
  return strfmt("%s|%s|%u|%s|%s", endpoint.scheme.c_str(), endpoint.host.c_str(), endpoint.port, endpoint.tls_name.c_str(),
                endpoint.proxy ? endpoint.proxy->url.c_str() : "");
}

std::string host_header(const Endpoint& endpoint) {
  if (endpoint.scheme == "unix") return endpoint.host.empty() ? "localhost" : endpoint.host;
  std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
  uint16_t default_port = endpoint.scheme == "https" ? 443 : 80;
  if (endpoint.port != default_port) host += strfmt(":%u", endpoint.port);
  return host;
}

// Asks the proxy for a tunnel to the endpoint (CONNECT host:port) and reads its answer; on 2xx
// the socket carries the TLS session to the endpoint itself. A refusal from the proxy is not
// worth retrying unless the proxy says it is overloaded or could not reach the endpoint (5xx).
Status open_tunnel(Stream& socket, const Endpoint& endpoint, const HttpProxy& proxy, const Deadline& deadline, size_t max_header_bytes) {
  std::string authority = host_header(endpoint);
  if (endpoint.port == 443) authority += ":443";
  std::string ask = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (!proxy.authorization.empty()) ask += "Proxy-Authorization: " + proxy.authorization + "\r\n";
  ask += "\r\n";
  if (auto sent = socket.write_all(ask, deadline); !sent) return std::move(sent).error().wrap("send CONNECT to the proxy");
  ResponseReader reader(socket, deadline, 0);
  auto text = reader.read_head(max_header_bytes);
  if (!text) return std::move(text).error().wrap("the proxy's answer to CONNECT " + authority);
  auto head = parse_response_head(*text);
  if (!head) return Error(head.error().message(), ErrorKind::Protocol).wrap("the proxy's answer to CONNECT " + authority);
  if (head->status / 100 != 2) {
    std::string why = strfmt("the proxy refused CONNECT %s: HTTP %d %s", authority.c_str(), head->status, printable(head->reason).c_str());
    if (head->status == 407) why += " (it wants credentials: http://user:password@host:port in the proxy variable)";
    return Error(why, head->status >= 500 ? ErrorKind::Other : ErrorKind::Permanent);
  }
  if (!reader.pending().empty()) return Error("the proxy sent data after accepting CONNECT " + authority, ErrorKind::Protocol);
  return Status::Ok();
}

}  // namespace

RealHttpClient::RealHttpClient(HttpClientOptions options) : options_(std::move(options)) {}

RealHttpClient::~RealHttpClient() = default;

void RealHttpClient::close_idle() {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.clear();
}

Result<TlsConfig*> RealHttpClient::tls_config() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!tls_) {
    auto created = TlsConfig::create(options_.ca_bundle, options_.root);
    if (!created) return std::move(created).error();
    tls_ = std::move(*created);
  }
  return tls_.get();
}

Result<std::unique_ptr<Socket>> RealHttpClient::connect_tcp(const std::string& host, uint16_t port, const Deadline& deadline) {
  std::vector<IpAddress> addresses;
  if (auto literal = IpAddress::parse(host)) {
    addresses.push_back(*literal);
  } else {
    if (!options_.resolver && !own_resolver_) own_resolver_ = DnsResolver::from_system(options_.root);
    Resolver* resolver = options_.resolver ? options_.resolver : own_resolver_.get();
    auto resolved = resolver->resolve(host, deadline);
    if (!resolved) return std::move(resolved).error();
    addresses = std::move(*resolved);
    if (addresses.empty()) return Error("resolve " + host + ": no addresses");
  }
  // Each address gets an equal share of the time left, so one black hole does not eat it all.
  Error last("no address to connect to");
  for (size_t i = 0; i < addresses.size(); ++i) {
    int64_t share = deadline.remaining_ms() / static_cast<int64_t>(addresses.size() - i);
    auto connected = Socket::connect_tcp(addresses[i], port, deadline.capped_ms(share));
    if (connected) return std::move(*connected);
    last = std::move(connected).error();
  }
  return last;
}

Result<std::unique_ptr<Stream>> RealHttpClient::connect(const Endpoint& endpoint, const Deadline& deadline) {
  if (endpoint.scheme == "unix") {
    auto socket = Socket::connect_unix(endpoint.socket_path, deadline);
    if (!socket) return std::move(socket).error();
    return std::unique_ptr<Stream>(std::move(*socket));
  }
  if (endpoint.scheme != "http" && endpoint.scheme != "https") return Error("unknown scheme " + quote(endpoint.scheme));
  const HttpProxy* proxy = endpoint.proxy ? &*endpoint.proxy : nullptr;
  auto socket = proxy ? connect_tcp(proxy->host, proxy->port, deadline) : connect_tcp(endpoint.host, endpoint.port, deadline);
  if (!socket) return proxy ? std::move(socket).error().wrap("connect to the proxy") : std::move(socket).error();
  if (endpoint.scheme == "http") return std::unique_ptr<Stream>(std::move(*socket));
  if (proxy) {
    if (auto tunnel = open_tunnel(**socket, endpoint, *proxy, deadline, options_.max_header_bytes); !tunnel)
      return std::move(tunnel).error();
  }
  auto tls = tls_config();
  if (!tls) return std::move(tls).error();
  const std::string& name = endpoint.tls_name.empty() ? endpoint.host : endpoint.tls_name;
  return (*tls)->connect(std::move(*socket), name, deadline);
}

Result<HttpResponse> RealHttpClient::send(const Endpoint& endpoint, const HttpRequest& request) {
  Deadline deadline = Deadline::after_ms(request.timeout_ms);
  std::string target = endpoint.base_path + request.target;
  std::string what = request.method + " " + endpoint.text() + request.target;
  const HttpRequest* to_send = &request;
  HttpRequest via_proxy;
  if (endpoint.proxy) {
    what += " (through the proxy " + endpoint.proxy->url + ")";
    // A plain-HTTP request names its origin in the request line; the proxy checks our credentials.
    if (endpoint.scheme == "http") {
      target = endpoint.text() + request.target;
      if (!endpoint.proxy->authorization.empty()) {
        via_proxy = request;
        via_proxy.headers.emplace_back("Proxy-Authorization", endpoint.proxy->authorization);
        to_send = &via_proxy;
      }
    }
  }
  auto fail = [&](Error error) {
    if (deadline.expired()) error.wrap(strfmt("no complete response within %d ms", request.timeout_ms));
    return std::move(error).wrap(what);
  };
  auto wire = serialize_request(*to_send, target, host_header(endpoint));
  if (!wire) return std::move(wire).error().wrap(what);
  std::string key = pool_key(endpoint);
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Stream> stream;
    if (attempt == 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& idle = idle_[key];
      while (!idle.empty() && !stream) {
        std::unique_ptr<Stream> candidate = std::move(idle.back());
        idle.pop_back();
        if (candidate->reusable()) stream = std::move(candidate);
      }
    }
    bool reused = stream != nullptr;
    if (!stream) {
      auto connected = connect(endpoint, deadline);
      if (!connected) return fail(std::move(connected).error());
      stream = std::move(*connected);
    }
    Status sent = stream->write_all(*wire, deadline);
    ResponseReader reader(*stream, deadline, request.idle_timeout_ms);
    Result<Exchange> exchange =
        sent ? read_response(reader, request, options_) : Result<Exchange>(std::move(sent).error().wrap("send request"));
    if (exchange) {
      if (exchange->reusable && !asks_to_close(request)) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto& idle = idle_[key];
        if (idle.size() < options_.max_idle_per_endpoint) idle.push_back(std::move(stream));
      }
      return std::move(exchange->response);
    }
    // A kept-alive connection the server closed meanwhile fails before any response byte: the
    // request never reached the application, so it is sent again once on a new connection.
    if (reused && !reader.started() && !deadline.expired()) continue;
    return fail(std::move(exchange).error());
  }
  return Error("unreachable").wrap(what);
}

}  // namespace taupage
