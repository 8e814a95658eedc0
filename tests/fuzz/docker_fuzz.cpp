// libFuzzer target for what the Docker daemon sends back: the input, split at the segment mark,
// answers /_ping, an image pull (the progress stream of JSON lines, fed to PullProgress), a
// container inspect and a logs call (the multiplexed stdout/stderr frames), each as raw HTTP
// through the real client, so Content-Length, chunked and until-close bodies all occur.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "docker/engine_client.h"
#include "docker/pull_progress.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/wire_server.h"
#include "support/manual_clock.h"
#include "util/log.h"

namespace {

const taupage::ImageReference& image() {
  static const taupage::ImageReference reference = [] {
    taupage::ImageReference r;
    std::string problem;
    if (!taupage::parse_image_reference("registry.example.org/team/app:1.0", &r, &problem)) __builtin_trap();
    return r;
  }();
  return reference;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const bool quiet = [] {
    taupage::Log::set_sink([](taupage::LogLevel, const std::string&) {});  // the campaign's speed, not its console
    return true;
  }();
  (void)quiet;
  // The frame decoder alone, on the whole input (the body of a logs answer).
  for (const auto& line : taupage::decode_log_stream(input)) {
    if (line.find('\n') != std::string::npos) __builtin_trap();
  }

  auto& http = taupage::fuzz::WireHttpClient::instance();
  http.serve(taupage::fuzz::split_segments(input));
  taupage::ManualClock clock;
  taupage::EngineTimeouts timeouts;
  timeouts.daemon_wait_ms = 1000;  // one retry of the ping on a broken answer, not twenty
  auto endpoint = taupage::docker_endpoint("");
  if (!endpoint) __builtin_trap();
  taupage::EngineClient docker(http, *endpoint, "unix:///var/run/docker.sock", clock, timeouts);

  taupage::PullProgress progress(image().text(), clock, [](const std::string& line) {
    if (line.empty()) __builtin_trap();
  });
  auto pulled = docker.pull_image(image(), taupage::Secret(), [&](const taupage::Json& message) {
    progress.on_message(message);
    clock.advance_ms(3000);  // so that the periodic total is said, too
  });
  if (!pulled && pulled.error().message().empty()) __builtin_trap();
  (void)progress.summary();
  (void)progress.digest();

  auto container = docker.inspect_container("app");
  if (container && *container) (void)(*container)->labels.size();
  auto logs = docker.container_logs("app", 20);
  if (logs) {
    for (const auto& line : *logs) (void)line.size();
  }
  auto exited = docker.wait_container("app", 1000);
  (void)exited;
  return 0;
}
