// libFuzzer target for S3 GetObject's answers: the input, split at the segment mark, is what S3
// sends as raw HTTP, through the real client, to the signed request and to what follows from
// it: retries (throttling, 5xx), the XML error body, and the one region redirect (PermanentRedirect,
// AuthorizationHeaderMalformed, x-amz-bucket-region) with the request made again elsewhere.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/aws_service.h"
#include "aws/s3.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/wire_server.h"
#include "support/manual_clock.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Log lines are kept from stderr (they would slow the campaign down) and checked: the secret
  // key signs every request and must never be in a line or an error, whatever S3 answers, unless
  // the answer itself carried the text (quoting what S3 said leaks nothing of ours).
  static bool answer_has_secret = false;
  answer_has_secret = input.find("fuzz-secret") != std::string_view::npos;
  static const bool quiet = [] {
    taupage::Log::set_sink([](taupage::LogLevel, const std::string& line) {
      if (!answer_has_secret && line.find("fuzz-secret") != std::string::npos) __builtin_trap();
    });
    return true;
  }();
  (void)quiet;
  auto& http = taupage::fuzz::WireHttpClient::instance();
  http.serve(taupage::fuzz::split_segments(input));
  taupage::ManualClock clock;
  taupage::Credentials keys;
  keys.access_key_id = "AKIDFUZZ";
  keys.secret_access_key = taupage::Secret("fuzz-secret");
  taupage::StaticCredentials credentials(keys);
  // Path-style through an endpoint override (as against the stand-in), three attempts per call.
  taupage::AwsDeps deps(http, credentials, clock,
                        taupage::fixed_environment({{"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"}, {"AWS_MAX_ATTEMPTS", "3"}}),
                        [] { return 0.5; });
  taupage::AwsService service(deps, "s3", "eu-central-1");
  taupage::S3Client s3(service);
  auto object = s3.get_object("mint-bucket", "app/client.json");
  if (!object && object.error().message().empty()) __builtin_trap();
  if (!object && !answer_has_secret && object.error().message().find("fuzz-secret") != std::string::npos) __builtin_trap();
  if (!object) (void)s3.last_error().describe();
  return 0;
}
