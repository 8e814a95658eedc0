#include "docker/engine_client.h"

#include <algorithm>

#include "util/strings.h"

namespace taupage {

namespace {

constexpr size_t kMaxPullLine = 1 << 20;  // a progress message is a few hundred bytes

// Image references and container names only hold these, but a path segment is escaped anyway.
std::string escape_path(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (isalnum(c) || c == '.' || c == '_' || c == '-' || c == '~' || c == ':' || c == '/' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += strfmt("%%%02X", c);
    }
  }
  return out;
}

std::string escape_query(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (isalnum(c) || c == '.' || c == '_' || c == '-' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += strfmt("%%%02X", c);
    }
  }
  return out;
}

std::vector<uint64_t> version_parts(std::string_view v) {
  std::vector<uint64_t> parts;
  for (const auto& p : split(v, '.')) parts.push_back(parse_uint(p).value_or(0));
  return parts;
}

bool is_version(std::string_view v) {
  auto parts = split(v, '.');
  if (parts.size() != 2) return false;
  return std::all_of(parts.begin(), parts.end(), [](const std::string& p) { return !p.empty() && p.size() < 6 && is_all_digits(p); });
}

}  // namespace

int compare_api_versions(std::string_view a, std::string_view b) {
  auto pa = version_parts(a), pb = version_parts(b);
  for (size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    uint64_t x = i < pa.size() ? pa[i] : 0, y = i < pb.size() ? pb[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

Result<Endpoint> docker_endpoint(std::string_view docker_host) {
  std::string_view text = trim(docker_host);
  if (text.empty()) text = kDefaultDockerHost;
  if (text.rfind("unix://", 0) != 0 && text.rfind("tcp://", 0) != 0) {
    auto scheme_end = text.find("://");
    std::string scheme(text.substr(0, scheme_end == std::string_view::npos ? text.size() : scheme_end));
    return Error("DOCKER_HOST " + quote(text) + ": the scheme " + quote(scheme) + " is not supported (unix:// or tcp://)");
  }
  auto endpoint = Endpoint::parse(text);
  if (!endpoint) return std::move(endpoint).error().wrap("DOCKER_HOST");
  return endpoint;
}

std::vector<std::string> decode_log_stream(std::string_view body) {
  std::string text;
  // Multiplexed frames: [stream 0|1|2, 0, 0, 0, size as 4 bytes big-endian] then size bytes.
  auto framed = [&](std::string_view b) {
    while (!b.empty()) {
      if (b.size() < 8 || static_cast<unsigned char>(b[0]) > 2 || b[1] || b[2] || b[3]) return false;
      uint32_t size = (uint32_t(uint8_t(b[4])) << 24) | (uint32_t(uint8_t(b[5])) << 16) | (uint32_t(uint8_t(b[6])) << 8) | uint8_t(b[7]);
      if (b.size() - 8 < size) return false;
      text.append(b.substr(8, size));
      b.remove_prefix(8 + size);
    }
    return true;
  };
  if (!framed(body)) text.assign(body);  // a TTY container: the raw text
  std::vector<std::string> lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
  }
  return lines;
}

Error EngineClient::unreachable(const Error& cause) const {
  // Something answered, but not in HTTP: that is no daemon that is down.
  if (cause.kind() == ErrorKind::Protocol) {
    return Error(strfmt("the Docker daemon at %s sent an answer that is not valid HTTP: %s (is DOCKER_HOST a Docker Engine API?)",
                        where_.c_str(), cause.message().c_str()),
                 ErrorKind::Protocol);
  }
  return Error(strfmt("the Docker daemon at %s does not answer: %s (is dockerd running? DOCKER_HOST chooses another daemon)",
                      where_.c_str(), cause.message().c_str()));
}

Error EngineClient::daemon_error(const HttpRequest& request, const HttpResponse& response) const {
  std::string message;
  if (auto json = parse_json(response.body, JsonLimits{1 << 20, 16}); json && json->is_object()) {
    message = json->get_string("message");
  }
  if (message.empty()) message = std::string(trim(response.body.substr(0, 300)));
  if (message.empty()) message = response.reason;
  std::string target = request.target;
  if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
  return Error(strfmt("%s %s: HTTP %d: %s", request.method.c_str(), target.c_str(), response.status, message.c_str()));
}

Result<std::string> EngineClient::api_version() {
  if (!version_.empty()) return version_;
  HttpRequest ping;
  ping.method = "GET";
  ping.target = "/_ping";
  ping.timeout_ms = timeouts_.ping_ms;
  const int64_t start = clock_.monotonic_ms();
  Result<HttpResponse> response = Error("not tried");
  for (;;) {
    response = http_.send(endpoint_, ping);
    if (response) break;
    if (response.error().kind() == ErrorKind::Protocol) return unreachable(response.error());
    if (clock_.monotonic_ms() - start + 500 >= timeouts_.daemon_wait_ms) {
      return unreachable(response.error()).wrap(strfmt("after %.0f s", (clock_.monotonic_ms() - start) / 1000.0));
    }
    clock_.sleep_ms(500);
  }
  if (response->status != 200) return daemon_error(ping, *response).wrap("the Docker daemon at " + where_ + " is not ready");
  std::string server = std::string(trim(response->header("Api-Version")));
  if (server.empty()) {
    server = std::string(kOldestApiVersion);  // daemons before API 1.25 did not say
  } else if (!is_version(server)) {
    return Error("the Docker daemon at " + where_ + " sent an Api-Version that is no version: " + quote(server));
  }
  if (compare_api_versions(server, kOldestApiVersion) < 0) {
    return Error(strfmt("the Docker daemon at %s speaks Engine API %s; Taupage needs %s or newer", where_.c_str(), server.c_str(),
                        std::string(kOldestApiVersion).c_str()));
  }
  version_ = compare_api_versions(server, kNewestApiVersion) < 0 ? server : std::string(kNewestApiVersion);
  return version_;
}

Result<HttpResponse> EngineClient::call(HttpRequest request) {
  auto version = api_version();
  if (!version) return version.error();
  request.target = "/v" + *version + request.target;
  auto response = http_.send(endpoint_, request);
  if (!response) {
    std::string target = request.target;
    if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
    return unreachable(response.error()).wrap(request.method + " " + target);
  }
  return response;
}

Result<std::optional<DockerImage>> EngineClient::inspect_image(const std::string& reference) {
  HttpRequest request;
  request.target = "/images/" + escape_path(reference) + "/json";
  request.timeout_ms = timeouts_.call_ms;
  auto response = call(request);
  if (!response) return response.error();
  if (response->status == 404) return std::optional<DockerImage>();
  if (response->status != 200) return daemon_error(request, *response);
  auto json = parse_json(response->body);
  if (!json || !json->is_object()) return Error("GET /images/" + reference + "/json: the answer is not a JSON object");
  DockerImage image;
  image.id = json->get_string("Id");
  for (const auto& d : json->get("RepoDigests").items()) {
    if (d.is_string()) image.repo_digests.push_back(d.as_string());
  }
  image.size = json->get("Size").as_int();
  return std::optional<DockerImage>(std::move(image));
}

Status EngineClient::pull_image(const ImageReference& image, const Secret& registry_auth,
                                const std::function<void(const Json& message)>& on_message) {
  HttpRequest request;
  request.method = "POST";
  // Never without a tag or digest: that would pull every tag of the repository.
  const std::string& tag = image.digest.empty() ? image.tag : image.digest;
  if (tag.empty()) return Error("pull " + image.name() + ": no tag or digest to pull");
  request.target = "/images/create?fromImage=" + escape_query(image.name()) + "&tag=" + escape_query(tag);
  if (!registry_auth.empty()) request.headers.emplace_back("X-Registry-Auth", registry_auth.reveal());
  request.timeout_ms = timeouts_.pull_ms;
  request.idle_timeout_ms = timeouts_.pull_idle_ms;

  // The answer is a stream of JSON messages, one per line. Errors before the stream are a
  // plain JSON body with an HTTP status; errors during it are messages in a 200 stream. The
  // first error ends the reading: the daemon may keep the stream open after it, and nothing
  // after an error changes the outcome.
  std::string pending;
  std::string head;  // the first bytes, for an error body
  std::string stream_error;
  auto take_line = [&](std::string_view line) {
    line = trim(line);
    if (line.empty()) return;
    auto message = parse_json(line, JsonLimits{kMaxPullLine, 16});
    if (!message || !message->is_object()) {
      stream_error = "the daemon sent a line that is not JSON: " + std::string(line.substr(0, 200));
      return;
    }
    const Json& detail = message->get("errorDetail");
    if (message->has("error") || detail.is_object()) {
      stream_error = detail.get_string("message", message->get_string("error"));
      if (stream_error.empty()) stream_error = "the daemon reported an error without a message";
    }
    if (on_message) on_message(*message);
  };
  request.on_body = [&](std::string_view chunk) {
    if (head.size() < 4096) head.append(chunk.substr(0, 4096 - head.size()));
    pending.append(chunk);
    size_t start = 0;
    for (size_t nl; stream_error.empty() && (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      take_line(std::string_view(pending).substr(start, nl - start));
    }
    pending.erase(0, start);
    if (stream_error.empty() && pending.size() >= kMaxPullLine) {
      stream_error = strfmt("the daemon sent a progress line longer than %zu MiB without a line end", kMaxPullLine >> 20);
    }
    return stream_error.empty();
  };
  auto response = call(request);
  // Reading stopped at the stream's error (the exchange then fails as cut short): that error is the news.
  if (!stream_error.empty()) return Error("pull " + image.text() + ": " + stream_error);
  if (!response) return std::move(response).error().wrap("pull " + image.text());
  if (response->status != 200) {
    HttpResponse with_body = *response;
    with_body.body = head;
    return daemon_error(request, with_body).wrap("pull " + image.text());
  }
  take_line(pending);  // the last line may lack its line end
  if (!stream_error.empty()) return Error("pull " + image.text() + ": " + stream_error);
  return Status::Ok();
}

Result<std::optional<DockerContainer>> EngineClient::inspect_container(const std::string& name_or_id) {
  HttpRequest request;
  request.target = "/containers/" + escape_path(name_or_id) + "/json";
  request.timeout_ms = timeouts_.call_ms;
  auto response = call(request);
  if (!response) return response.error();
  if (response->status == 404) return std::optional<DockerContainer>();
  if (response->status != 200) return daemon_error(request, *response);
  auto json = parse_json(response->body);
  if (!json || !json->is_object()) return Error("GET /containers/" + name_or_id + "/json: the answer is not a JSON object");
  DockerContainer c;
  c.id = json->get_string("Id");
  c.image_id = json->get_string("Image");
  c.restart_count = static_cast<int>(json->get("RestartCount").as_int());
  const Json& state = json->get("State");
  c.status = state.get_string("Status");
  c.running = state.get("Running").as_bool();
  c.exit_code = static_cast<int>(state.get("ExitCode").as_int());
  c.oom_killed = state.get("OOMKilled").as_bool();
  c.error = state.get_string("Error");
  for (const auto& [key, value] : json->get("Config").get("Labels").members()) {
    if (value.is_string()) c.labels[key] = value.as_string();
  }
  return std::optional<DockerContainer>(std::move(c));
}

Result<std::string> EngineClient::create_container(const std::string& name, const Secret& body, std::vector<std::string>* warnings) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/containers/create?name=" + escape_query(name);
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = body.reveal();
  request.timeout_ms = timeouts_.call_ms;
  auto response = call(std::move(request));
  // The request (with the secrets in its body) is gone; errors name only method and path.
  HttpRequest shown;
  shown.method = "POST";
  shown.target = "/containers/create";
  if (!response) return response.error();
  if (response->status != 201) return daemon_error(shown, *response).wrap("create container " + name);
  auto json = parse_json(response->body);
  if (!json || json->get_string("Id").empty()) return Error("create container " + name + ": the answer holds no container Id");
  if (warnings) {
    for (const auto& w : json->get("Warnings").items()) {
      if (w.is_string() && !w.as_string().empty()) warnings->push_back(w.as_string());
    }
  }
  return json->get_string("Id");
}

Status EngineClient::start_container(const std::string& id) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/containers/" + escape_path(id) + "/start";
  request.timeout_ms = timeouts_.call_ms;
  auto response = call(request);
  if (!response) return response.error();
  if (response->status != 204 && response->status != 304) return daemon_error(request, *response);
  return Status::Ok();
}

Status EngineClient::stop_container(const std::string& id, int timeout_seconds) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/containers/" + escape_path(id) + "/stop?t=" + std::to_string(timeout_seconds);
  request.timeout_ms = timeouts_.call_ms + timeout_seconds * 1000;
  auto response = call(request);
  if (!response) return response.error();
  if (response->status != 204 && response->status != 304) return daemon_error(request, *response);
  return Status::Ok();
}

Status EngineClient::remove_container(const std::string& id) {
  HttpRequest request;
  request.method = "DELETE";
  // force: a restart policy may have started it again since the stop; v=0 keeps its volumes.
  request.target = "/containers/" + escape_path(id) + "?force=1&v=0";
  request.timeout_ms = timeouts_.call_ms;
  auto response = call(request);
  if (!response) return response.error();
  if (response->status != 204 && response->status != 404) return daemon_error(request, *response);
  return Status::Ok();
}

Result<int> EngineClient::wait_container(const std::string& id, int timeout_ms) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/containers/" + escape_path(id) + "/wait?condition=not-running";
  request.timeout_ms = timeout_ms;
  auto response = call(request);
  if (!response) return response.error();
  if (response->status != 200) return daemon_error(request, *response);
  auto json = parse_json(response->body);
  if (!json || !json->is_object() || !json->has("StatusCode")) return Error("POST " + request.target + ": the answer has no StatusCode");
  if (const Json& error = json->get("Error"); error.is_object() && !error.get_string("Message").empty()) {
    return Error("POST " + request.target + ": " + error.get_string("Message"));
  }
  return static_cast<int>(json->get("StatusCode").as_int());
}

Result<std::vector<std::string>> EngineClient::container_logs(const std::string& id, int lines) {
  HttpRequest request;
  request.target = "/containers/" + escape_path(id) + "/logs?stdout=1&stderr=1&tail=" + std::to_string(lines);
  request.timeout_ms = timeouts_.call_ms;
  auto response = call(request);
  if (!response) return response.error();
  if (response->status != 200) return daemon_error(request, *response);
  return decode_log_stream(response->body);
}

}  // namespace taupage
