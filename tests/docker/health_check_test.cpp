#include "docker/health_check.h"

#include <gtest/gtest.h>

#include "support/fake_docker.h"
#include "support/manual_clock.h"
#include "support/scripted_http_client.h"
#include "util/log.h"

namespace taupage {
namespace {

using testing::FakeContainer;
using testing::FakeDocker;
using testing::ScriptedHttpClient;

struct HealthTest : ::testing::Test {
  void SetUp() override {
    FakeContainer c;
    c.name = "taupageapp";
    c.state.id = std::string(64, '7');
    c.state.status = "running";
    c.state.running = true;
    docker.containers[c.state.id] = c;
    check.port = 18080;
    check.path = "/health";
    check.timeout_seconds = 10;
  }
  Result<std::string> run() {
    return wait_until_healthy(http, docker, "taupageapp", check, clock, [&](const std::string& l) { shown.push_back(l); });
  }
  FakeDocker docker;
  ScriptedHttpClient http;
  ManualClock clock;
  HealthCheck check;
  std::vector<std::string> shown;
};

TEST_F(HealthTest, PassesOnThe200AfterRefusalsAnd500s) {
  http.responses = {ScriptedHttpClient::failure("connect 127.0.0.1:18080: Connection refused"), ScriptedHttpClient::json(500, "no"),
                    ScriptedHttpClient::json(200, "ok")};
  auto r = run();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, "HTTP 200 from http://127.0.0.1:18080/health after 4.0 s (3 tries)");
  EXPECT_EQ(http.endpoints[0].host, "127.0.0.1");
  EXPECT_EQ(http.endpoints[0].port, 18080);
  EXPECT_EQ(http.requests[0].target, "/health");
}

TEST_F(HealthTest, OnlyA200IsHealthyAndTheLastStatusIsKept) {
  http.answer = [](const HttpRequest&) { return ScriptedHttpClient::json(204, ""); };
  auto r = run();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("did not answer HTTP 200 within 10 s"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("last: HTTP 204"), std::string::npos);
  EXPECT_LE(clock.monotonic_ms(), 10000);
}

TEST_F(HealthTest, AnExitedApplicationFailsAtOnceWithItsExitCodeAndLog) {
  Log::add_redaction("topsecret");
  http.answer = [](const HttpRequest&) { return ScriptedHttpClient::failure("Connection refused"); };
  FakeContainer& c = docker.containers.begin()->second;
  c.state.status = "exited";
  c.state.running = false;
  c.state.exit_code = 3;
  c.log = {"starting", "password is topsecret", "fatal: no configuration found"};
  auto r = run();
  Log::clear_redactions();
  ASSERT_FALSE(r);
  const std::string& m = r.error().message();
  EXPECT_NE(m.find("the application is exited, exit code 3"), std::string::npos) << m;
  EXPECT_NE(m.find("fatal: no configuration found"), std::string::npos) << m;
  EXPECT_EQ(m.find("topsecret"), std::string::npos) << m;
  EXPECT_EQ(clock.monotonic_ms(), 0);
  ASSERT_EQ(shown.size(), 4u);
  EXPECT_EQ(shown[2], "  | password is ****");
}

TEST_F(HealthTest, ARestartUnderTheRestartPolicyFailsAtOnce) {
  http.answer = [](const HttpRequest&) { return ScriptedHttpClient::failure("Connection refused"); };
  int inspections = 0;
  docker.on_inspect = [&](FakeContainer& c) {
    if (++inspections == 3) {  // between two tries the application died and was restarted
      c.state.restart_count = 1;
      c.state.exit_code = 1;
    }
  };
  auto r = run();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("exited with code 1 and was restarted 1 time"), std::string::npos) << r.error().message();
  EXPECT_EQ(clock.monotonic_ms(), 2000);
}

TEST_F(HealthTest, NoContainerIsAClearError) {
  docker.containers.clear();
  auto r = run();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("there is no container taupageapp"), std::string::npos);
}

}  // namespace
}  // namespace taupage
