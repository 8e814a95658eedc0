// libFuzzer target for the instance metadata service's answers: the input, split at the segment
// mark, is what the service sends as raw HTTP to the token request and then to each read (the
// identity document, the role name, the role's credentials, user data), through the real client.
// 401 renewals and retries take the next answers, as they would from the service.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/imds.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/wire_server.h"
#include "support/manual_clock.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const bool quiet = [] {
    taupage::Log::set_sink([](taupage::LogLevel, const std::string&) {});  // the campaign's speed, not its console
    return true;
  }();
  (void)quiet;
  auto& http = taupage::fuzz::WireHttpClient::instance();
  http.serve(taupage::fuzz::split_segments(input));
  taupage::ManualClock clock;
  taupage::ImdsOptions options;
  options.max_attempts = 2;  // a retry is exercised; a hundred are not needed
  taupage::Imds imds(http, clock, taupage::fixed_environment({}), options);

  auto identity = imds.identity();
  if (identity && (identity->region.empty() || identity->instance_id.empty())) __builtin_trap();
  auto role = imds.role_name();
  if (role && *role) {
    if (role->value().empty() || role->value().find('\n') != std::string::npos) __builtin_trap();
    auto credentials = imds.role_credentials(**role);
    if (credentials && credentials->access_key_id.empty()) __builtin_trap();
  }
  auto user_data = imds.user_data();
  (void)user_data;
  (void)taupage::parse_iso8601_utc(std::string(input.substr(0, 64)));
  return 0;
}
