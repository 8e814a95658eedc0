#include "aws/imds.h"

#include <algorithm>

#include "util/json.h"
#include "util/log.h"
#include "util/strings.h"
#include "util/utc_time.h"

namespace taupage {

namespace {
constexpr int kTokenTtlSeconds = 21600;
constexpr int64_t kProgressAfterMs = 5000;
constexpr int64_t kProgressEveryMs = 10000;
constexpr size_t kMaxTokenBytes = 4096;  // AWS's are about 56
}  // namespace

std::optional<int64_t> parse_iso8601_utc(const std::string& text) {
  // "%Y-%m-%dT%H:%M:%S", read as strptime read it, then optional fractions and "Z".
  std::string_view in = text;
  std::optional<int> year, month, day, hour, minute, second;
  bool ok = (year = read_number_field(in, 0, 9999, 4)) && read_literal(in, "-") && (month = read_number_field(in, 1, 12, 2)) &&
            read_literal(in, "-") && (day = read_number_field(in, 1, 31, 2)) && read_literal(in, "T") &&
            (hour = read_number_field(in, 0, 23, 2)) && read_literal(in, ":") && (minute = read_number_field(in, 0, 59, 2)) &&
            read_literal(in, ":") && (second = read_number_field(in, 0, 61, 2));
  if (!ok) return std::nullopt;
  if (!in.empty() && in.front() == '.') {
    in.remove_prefix(1);
    while (!in.empty() && in.front() >= '0' && in.front() <= '9') in.remove_prefix(1);
  }
  if (in != "Z") return std::nullopt;
  return unix_from_utc(UtcTime{*year, *month, *day, *hour, *minute, *second});
}

Imds::Imds(HttpClient& http, Clock& clock, Environment env, ImdsOptions options) : http_(http), clock_(clock), options_(options) {
  base_url_ = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base_url_.empty()) base_url_ = "http://169.254.169.254";
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

Result<std::string> Imds::token(const Endpoint& endpoint, int64_t deadline) {
  if (!token_.empty() && clock_.monotonic_ms() < token_valid_until_ms_) return token_;
  HttpRequest request;
  request.method = "PUT";
  request.target = "/latest/api/token";
  request.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(kTokenTtlSeconds)}};
  request.timeout_ms = static_cast<int>(std::clamp<int64_t>(deadline - clock_.monotonic_ms(), 1, options_.attempt_timeout_ms));
  int64_t asked = clock_.monotonic_ms();
  auto response = http_.send(endpoint, request);
  if (!response) return Error(response.error()).wrap("token");
  // Throttling and server errors pass; any other refusal is the instance's configuration.
  if (response->status == 429 || response->status >= 500) return Error(strfmt("token: HTTP %d", response->status));
  if (response->status != 200) return Error(token_refused(response->status), ErrorKind::Permanent);
  std::string token(trim(response->body));
  // It goes out in a header line of every request: what could not, or could break the line, is
  // refused here, once, and not kept (the token itself is never shown).
  if (token.empty() || token.size() > kMaxTokenBytes) {
    return Error(strfmt("the instance metadata service at %s answered the token request (PUT /latest/api/token) with %zu bytes, "
                        "which is no session token",
                        base_url_.c_str(), token.size()),
                 ErrorKind::Permanent);
  }
  for (size_t i = 0; i < token.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(token[i]);
    if (c < 0x21 || c > 0x7e) {
      return Error(strfmt("the instance metadata service at %s answered the token request (PUT /latest/api/token) with a "
                          "token holding control characters or spaces (byte 0x%02x at offset %zu); it is not used",
                          base_url_.c_str(), c, i),
                   ErrorKind::Permanent);
    }
  }
  token_ = std::move(token);
  token_valid_until_ms_ = asked + (kTokenTtlSeconds - 60) * 1000LL;
  return token_;
}

std::string Imds::token_refused(int status) const {
  std::string why;
  if (status == 403)
    why = "IMDS is disabled for this instance, or the request passed a proxy (X-Forwarded-For)";
  else if (status == 404 || status == 405)
    why = "the endpoint offers no IMDSv2 sessions; is it an instance metadata service?";
  else if (status == 400)
    why = "the service did not accept the request's token TTL header";
  else
    why = "the service refuses session tokens";
  return strfmt(
      "the instance metadata service at %s refused a session token (PUT /latest/api/token: HTTP %d): %s. "
      "Check the instance's metadata options (aws ec2 describe-instances, MetadataOptions): HttpEndpoint enabled, "
      "and HttpPutResponseHopLimit at least 2 when this runs in a container or network namespace; "
      "AWS_EC2_METADATA_SERVICE_ENDPOINT chooses another endpoint",
      base_url_.c_str(), status, why.c_str());
}

Result<std::optional<std::string>> Imds::fetch(const std::string& path) {
  auto endpoint = Endpoint::parse(base_url_);
  if (!endpoint) return Error(endpoint.error()).wrap("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  int64_t start = clock_.monotonic_ms();
  int64_t deadline = start + options_.deadline_ms;
  int64_t last_progress = start;
  bool renewed = false;
  std::string last_error;
  int attempts = 0;
  for (int attempt = 1; options_.max_attempts <= 0 || attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1 && clock_.monotonic_ms() >= deadline) break;
    attempts = attempt;
    auto tok = token(*endpoint, deadline);
    if (!tok && tok.error().kind() == ErrorKind::Permanent) return Error(tok.error()).wrap(path);
    if (tok) {
      HttpRequest request;
      request.target = path;
      request.headers = {{"X-aws-ec2-metadata-token", *tok}};
      request.timeout_ms = static_cast<int>(std::clamp<int64_t>(deadline - clock_.monotonic_ms(), 1, options_.attempt_timeout_ms));
      auto response = http_.send(*endpoint, request);
      if (response && response->status == 200) return std::optional<std::string>(std::move(response->body));
      if (response && response->status == 404) return std::optional<std::string>();
      if (response && response->status == 401 && !renewed) {
        token_.clear();  // the session ended: one new token, at once
        renewed = true;
        --attempt;
        continue;
      }
      if (response && response->status != 401 && response->status != 429 && response->status < 500) {
        return Error(strfmt("%s: HTTP %d", path.c_str(), response->status));
      }
      last_error = response ? strfmt("HTTP %d", response->status) : response.error().message();
      if (response && response->status == 401) token_.clear();
    } else {
      last_error = tok.error().message();
    }
    int64_t now = clock_.monotonic_ms();
    if (now >= deadline) break;
    if (now - start >= kProgressAfterMs && now - last_progress >= kProgressEveryMs) {
      Log::info(strfmt("imds: waiting for the instance metadata service at %s (%llds of %llds): %s", base_url_.c_str(),
                       static_cast<long long>((now - start) / 1000), static_cast<long long>(options_.deadline_ms / 1000),
                       last_error.c_str()));
      last_progress = now;
    }
    int64_t pause = std::min<int64_t>(100LL << std::min(attempt - 1, 4), 1000);
    clock_.sleep_ms(std::min(pause, deadline - now));
  }
  return Error(strfmt("%s: no answer from the instance metadata service at %s after %llds and %d attempts (%s)", path.c_str(),
                      base_url_.c_str(), static_cast<long long>((clock_.monotonic_ms() - start) / 1000), attempts, last_error.c_str()));
}

Result<std::optional<std::string>> Imds::get_optional(const std::string& path) { return fetch(path); }

Result<std::string> Imds::get(const std::string& path) {
  auto value = fetch(path);
  if (!value) return value.error();
  if (!*value) return Error(path + ": not found (HTTP 404)");
  return std::move(**value);
}

Result<InstanceIdentity> Imds::identity() {
  if (identity_) return *identity_;
  auto text = get("/latest/dynamic/instance-identity/document");
  if (!text) return Error(text.error()).wrap("instance identity");
  auto json = parse_json(*text, JsonLimits{64 * 1024, 8});
  if (!json) return Error(json.error()).wrap("instance identity: the document");
  if (!json->is_object()) return Error("instance identity: the document is not a JSON object");
  InstanceIdentity id;
  id.region = json->get_string("region");
  id.availability_zone = json->get_string("availabilityZone");
  id.instance_id = json->get_string("instanceId");
  id.account_id = json->get_string("accountId");
  id.instance_type = json->get_string("instanceType");
  id.private_ip = json->get_string("privateIp");
  id.image_id = json->get_string("imageId");
  id.document = *text;
  if (id.region.empty() || id.instance_id.empty()) return Error("instance identity: the document lacks region or instanceId");
  identity_ = id;
  return id;
}

Result<std::string> Imds::identity_signature() { return get("/latest/dynamic/instance-identity/signature"); }

Result<std::optional<std::string>> Imds::user_data() { return get_optional("/latest/user-data"); }

Result<std::optional<std::string>> Imds::role_name() {
  auto text = get_optional("/latest/meta-data/iam/security-credentials/");
  if (!text) return text.error();
  if (!*text) return std::optional<std::string>();
  std::string first = std::string(trim(split(**text, '\n')[0]));
  if (first.empty()) return std::optional<std::string>();
  return std::optional<std::string>(first);
}

Result<Credentials> Imds::role_credentials(const std::string& role) {
  auto text = get("/latest/meta-data/iam/security-credentials/" + role);
  if (!text) return Error(text.error()).wrap("role credentials");
  auto json = parse_json(*text, JsonLimits{64 * 1024, 8});
  if (!json || !json->is_object()) return Error("role credentials of " + role + ": not a JSON object");
  if (json->has("Code") && json->get_string("Code") != "Success") {
    return Error("role credentials of " + role + ": IMDS says " + quote(json->get_string("Code")));
  }
  Credentials c;
  c.access_key_id = json->get_string("AccessKeyId");
  c.secret_access_key = Secret(json->get_string("SecretAccessKey"));
  c.session_token = Secret(json->get_string("Token"));
  c.source = "instance role " + role;
  auto expiration = parse_iso8601_utc(json->get_string("Expiration"));
  if (c.access_key_id.empty() || c.secret_access_key.empty() || !expiration) {
    return Error("role credentials of " + role + ": AccessKeyId, SecretAccessKey or Expiration missing");
  }
  c.expiration = *expiration;
  // The JSON text held the secret; wipe our copy.
  for (auto& ch : *text) ch = 0;
  return c;
}

}  // namespace taupage
