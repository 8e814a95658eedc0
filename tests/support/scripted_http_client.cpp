#include "support/scripted_http_client.h"

namespace taupage::testing {

Result<HttpResponse> ScriptedHttpClient::send(const Endpoint& endpoint, const HttpRequest& request) {
  requests.push_back(request);
  requests.back().on_body = nullptr;
  endpoints.push_back(endpoint);
  ScriptedResponse scripted;
  if (answer) {
    scripted = answer(request);
  } else {
    if (responses.empty()) return Error("scripted client: no response left for " + request.method + " " + request.target);
    scripted = responses.front();
    responses.pop_front();
  }
  if (!scripted.error.empty()) return Error(scripted.error);
  HttpResponse response;
  response.status = scripted.status;
  response.headers = scripted.headers;
  for (const auto& chunk : scripted.chunks) {
    if (request.on_body) {
      if (!request.on_body(chunk)) return Error("aborted by the body handler");
    } else {
      response.body += chunk;
    }
  }
  return response;
}

ScriptedResponse ScriptedHttpClient::json(int status, const std::string& body, HttpHeaders headers) {
  ScriptedResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.chunks = {body};
  return r;
}

ScriptedResponse ScriptedHttpClient::failure(const std::string& error) {
  ScriptedResponse r;
  r.error = error;
  return r;
}

}  // namespace taupage::testing
