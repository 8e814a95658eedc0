/// Test doubles for the AWS layer: an HttpClient that answers from a script and records every
/// request, and a clock that only moves when slept on, so retry and deadline tests never sleep.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "net/http.h"
#include "util/clock.h"

namespace taupage::testing {

class ManualClock : public Clock {
 public:
  int64_t unix_seconds() override { return unix_ + monotonic_ / 1000; }
  int64_t monotonic_ms() override { return monotonic_; }
  void sleep_ms(int64_t ms) override {
    sleeps.push_back(ms);
    monotonic_ += ms;
  }
  void advance_ms(int64_t ms) { monotonic_ += ms; }
  void set_unix(int64_t t) { unix_ = t - monotonic_ / 1000; }
  std::vector<int64_t> sleeps;

 private:
  int64_t unix_ = 1764172800;  // 2025-11-26T16:00:00Z
  int64_t monotonic_ = 0;
};

struct RecordedRequest {
  Endpoint endpoint;
  HttpRequest request;
  std::string header(const std::string& name) const;
};

// Answers with `handler` when set, else pops scripted answers (an empty Error string in
// `errors` means "use the response").
class FakeHttpClient : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const Endpoint&, const HttpRequest&)>;
  Result<HttpResponse> send(const Endpoint& endpoint, const HttpRequest& request) override;

  void respond(int status, std::string body, HttpHeaders headers = {});
  void fail(std::string transport_error);

  Handler handler;
  std::vector<RecordedRequest> requests;

 private:
  std::deque<Result<HttpResponse>> script_;
};

HttpResponse make_response(int status, std::string body, HttpHeaders headers = {});

}  // namespace taupage::testing
