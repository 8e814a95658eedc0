/// ScriptedHttpClient: an HttpClient double that answers each request with the next scripted
/// response (or error), feeds streamed bodies in the chunks given, and records what was sent.
/// For the Docker client's unit tests; the real client is tested against real sockets.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "net/http.h"

namespace taupage::testing {

struct ScriptedResponse {
  int status = 200;
  HttpHeaders headers;
  std::vector<std::string> chunks;  // the body, in the pieces on_body sees
  std::string error;                // non-empty: send() fails with this instead
};

class ScriptedHttpClient : public HttpClient {
 public:
  std::deque<ScriptedResponse> responses;
  // When set, answers instead of `responses`.
  std::function<ScriptedResponse(const HttpRequest&)> answer;
  std::vector<HttpRequest> requests;
  std::vector<Endpoint> endpoints;

  Result<HttpResponse> send(const Endpoint& endpoint, const HttpRequest& request) override;

  static ScriptedResponse json(int status, const std::string& body, HttpHeaders headers = {});
  static ScriptedResponse failure(const std::string& error);
};

}  // namespace taupage::testing
