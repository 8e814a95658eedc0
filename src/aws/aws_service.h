/// One AWS service in one region, and how every call to it is made: the endpoint resolved,
/// the request signed (SigV4, with the clock offset learned from AWS), sent, and retried as
/// the SDKs' standard mode does. A request refused for clock skew is signed again with the
/// time from the answer's Date header; expired credentials are fetched again once. A transport
/// error that retrying cannot cure (TLS verification, the CA bundle) ends the call at once.
/// The services are reached through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names them.
#pragma once

#include <cstdint>
#include <string>

#include "aws/adaptive_rate.h"
#include "aws/aws_error.h"
#include "aws/credentials_provider.h"
#include "aws/environment.h"
#include "aws/retry_policy.h"
#include "net/http.h"
#include "net/proxy.h"
#include "util/clock.h"
#include "util/result.h"

namespace taupage {

// What all AWS calls of one process share.
struct AwsDeps {
  HttpClient& http;
  CredentialsProvider& credentials;
  Clock& clock;
  Environment env;
  RandomSource random;
  RetryPolicy policy;
  int timeout_ms = 20000;      // one HTTP exchange
  int64_t clock_offset_s = 0;  // AWS's time minus ours, learned from a skew refusal
  ProxySettings proxy;         // HTTPS_PROXY, HTTP_PROXY, NO_PROXY: for the services, never for IMDS

  AwsDeps(HttpClient& h, CredentialsProvider& c, Clock& k, Environment e, RandomSource r)
      : http(h),
        credentials(c),
        clock(k),
        env(std::move(e)),
        random(std::move(r)),
        policy(RetryPolicy::from_environment(env)),
        proxy(ProxySettings::from_environment(env)) {}
};

struct CallOptions {
  std::string url;     // empty: the service's endpoint
  std::string region;  // empty: the service's region (S3 may follow a bucket elsewhere)
  bool sign = true;    // false: the request carries its own Authorization (CFN_V1)
  bool s3 = false;     // S3 signing rules
};

class AwsService {
 public:
  AwsService(AwsDeps& deps, std::string service, std::string region)
      : deps_(deps), service_(std::move(service)), region_(std::move(region)), rate_(deps.clock) {}

  // Sends `request` (target relative to the endpoint) and returns the 2xx answer, or an error
  // "Operation: Code: message (HTTP n)"; last_error() then has the parts.
  Result<HttpResponse> call(const std::string& operation, const HttpRequest& request, AwsProtocol protocol,
                            const CallOptions& options = {});

  const AwsError& last_error() const { return last_error_; }
  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }
  AwsDeps& deps() { return deps_; }
  // A throttling answer ends the call at once (other transient errors are still retried): for a
  // caller whose own loop waits out throttling, so that two retry layers do not multiply.
  void leave_throttling_to_caller(bool yes) { throttling_to_caller_ = yes; }
  const AdaptiveRate& rate() const { return rate_; }

 private:
  AwsDeps& deps_;
  std::string service_;
  std::string region_;
  AwsError last_error_;
  AdaptiveRate rate_;  // per client, as in the SDKs; used in adaptive mode only
  bool throttling_to_caller_ = false;
};

// "Thu, 26 Nov 2026 16:10:00 GMT" -> unix seconds; nullopt when malformed.
std::optional<int64_t> parse_http_date(const std::string& text);

// Form encoding of the query protocols: k=v pairs joined by '&', each part URI-encoded.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace taupage
