#include "support/aws_fakes.h"

#include "util/strings.h"

namespace taupage::testing {

std::string RecordedRequest::header(const std::string& name) const {
  for (const auto& [k, v] : request.headers) {
    if (to_lower(k) == to_lower(name)) return v;
  }
  return {};
}

HttpResponse make_response(int status, std::string body, HttpHeaders headers) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

Result<HttpResponse> FakeHttpClient::send(const Endpoint& endpoint, const HttpRequest& request) {
  requests.push_back({endpoint, request});
  if (handler) return handler(endpoint, request);
  if (script_.empty()) return Error("FakeHttpClient: no scripted answer left");
  Result<HttpResponse> next = std::move(script_.front());
  script_.pop_front();
  return next;
}

void FakeHttpClient::respond(int status, std::string body, HttpHeaders headers) {
  script_.emplace_back(make_response(status, std::move(body), std::move(headers)));
}

void FakeHttpClient::fail(std::string transport_error) { script_.emplace_back(Error(std::move(transport_error))); }

}  // namespace taupage::testing
