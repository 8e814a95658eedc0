#include "aws/aws_service.h"

#include "aws/endpoints.h"
#include "aws/sigv4.h"
#include "aws/uri_encoding.h"
#include "util/log.h"
#include "util/strings.h"
#include "util/utc_time.h"

namespace taupage {

std::optional<int64_t> parse_http_date(const std::string& text) {
  // "%a, %d %b %Y %H:%M:%S GMT", read as strptime read it.
  std::string_view in = text;
  std::optional<int> weekday, day, month, year, hour, minute, second;
  bool ok = (weekday = read_weekday_name(in)) && read_literal(in, ", ") && (day = read_number_field(in, 1, 31, 2)) &&
            read_literal(in, " ") && (month = read_month_name(in)) && read_literal(in, " ") && (year = read_number_field(in, 0, 9999, 4)) &&
            read_literal(in, " ") && (hour = read_number_field(in, 0, 23, 2)) && read_literal(in, ":") &&
            (minute = read_number_field(in, 0, 59, 2)) && read_literal(in, ":") && (second = read_number_field(in, 0, 61, 2)) &&
            read_literal(in, " GMT") && in.empty();
  if (!ok) return std::nullopt;
  return unix_from_utc(UtcTime{*year, *month, *day, *hour, *minute, *second});
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += uri_encode(k) + "=" + uri_encode(v);
  }
  return out;
}

namespace {
std::string host_header(const Endpoint& endpoint) {
  std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
  bool default_port = (endpoint.scheme == "https" && endpoint.port == 443) || (endpoint.scheme == "http" && endpoint.port == 80);
  return default_port || endpoint.port == 0 ? host : host + ":" + std::to_string(endpoint.port);
}
}  // namespace

Result<HttpResponse> AwsService::call(const std::string& operation, const HttpRequest& request, AwsProtocol protocol,
                                      const CallOptions& options) {
  std::string region = options.region.empty() ? region_ : options.region;
  std::string url = options.url;
  if (url.empty()) {
    auto resolved = endpoint_url(service_, region, deps_.env);
    if (!resolved) return Error(resolved.error()).wrap(operation);
    url = *resolved;
  }
  auto endpoint = Endpoint::parse(url);
  if (!endpoint) return Error(endpoint.error()).wrap(operation);
  auto proxy = deps_.proxy.for_endpoint(*endpoint);
  if (!proxy) return Error(proxy.error()).wrap(operation);
  endpoint->proxy = std::move(*proxy);

  const RetryPolicy& policy = deps_.policy;
  bool skew_corrected = false;
  bool credentials_refreshed = false;
  AwsError error;
  int attempt = 0;
  for (attempt = 1; attempt <= policy.max_attempts; ++attempt) {
    HttpRequest signed_request = request;
    signed_request.timeout_ms = deps_.timeout_ms;
    if (options.sign) {
      auto credentials = deps_.credentials.get();
      if (!credentials) return Error(credentials.error()).wrap(operation);
      SigningParams params;
      params.region = region;
      params.service = service_;
      params.unix_time = deps_.clock.unix_seconds() + deps_.clock_offset_s;
      if (options.s3) {
        params.normalize_path = false;
        params.double_encode = false;
        params.content_sha256_header = true;
      }
      std::string full_target = endpoint->base_path + signed_request.target;
      signed_request.target = full_target;
      sign_http_request(signed_request, host_header(*endpoint), *credentials, params);
      signed_request.target = full_target.substr(endpoint->base_path.size());
    } else {
      bool has_host = false;
      for (const auto& h : signed_request.headers) has_host = has_host || to_lower(h.first) == "host";
      if (!has_host) signed_request.headers.emplace_back("Host", host_header(*endpoint));
    }

    if (policy.adaptive) rate_.acquire();
    auto response = deps_.http.send(*endpoint, signed_request);
    if (policy.adaptive) rate_.record(response && parse_aws_error(protocol, *response).throttling());
    if (response && response->status >= 200 && response->status < 300) {
      last_error_ = {};
      return std::move(*response);
    }
    if (!response) {
      error = AwsError{};
      error.message = response.error().message();
      error.permanent = response.error().kind() == ErrorKind::Permanent;
    } else {
      error = parse_aws_error(protocol, *response);
      if (!skew_corrected && is_clock_skew_error(error.code, error.message)) {
        if (auto server_time = parse_http_date(response->header("Date"))) {
          int64_t offset = *server_time - deps_.clock.unix_seconds();
          skew_corrected = true;
          if (offset != deps_.clock_offset_s) {
            Log::warn(strfmt("%s: AWS refused the request time (%s); the local clock is %llds off AWS's, signing again with AWS's time",
                             operation.c_str(), error.code.c_str(), static_cast<long long>(-offset)));
            deps_.clock_offset_s = offset;
            --attempt;  // not a retry: the same request, dated right
            continue;
          }
        }
      }
      if (!credentials_refreshed && options.sign && is_expired_credentials_code(error.code)) {
        deps_.credentials.invalidate();
        credentials_refreshed = true;
        continue;
      }
    }
    last_error_ = error;
    if (error.permanent || !is_retryable(error.status, error.code) || attempt == policy.max_attempts) break;
    if (throttling_to_caller_ && error.throttling()) break;
    int64_t pause = policy.backoff_ms(attempt, deps_.random);
    Log::debug(strfmt("%s: %s; retry %d of %d in %lldms", operation.c_str(), error.describe().c_str(), attempt, policy.max_attempts - 1,
                      static_cast<long long>(pause)));
    deps_.clock.sleep_ms(pause);
  }
  last_error_ = error;
  std::string text = operation + ": " + error.describe();
  if (attempt > 1 && is_retryable(error.status, error.code)) text += strfmt(" (after %d attempts)", std::min(attempt, policy.max_attempts));
  return Error(text, error.permanent ? ErrorKind::Permanent : ErrorKind::Other);
}

}  // namespace taupage
