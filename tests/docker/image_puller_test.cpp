#include "docker/image_puller.h"

#include <gtest/gtest.h>

#include "support/fake_docker.h"
#include "support/manual_clock.h"

namespace taupage {
namespace {

using testing::FakeDocker;

struct PullerTest : ::testing::Test {
  Result<ImageReady> ensure(const ImageReference& ref) {
    return ensure_image(
        docker, ref, Secret("auth"), clock, PullPolicy{}, [&](const std::string& l) { said.push_back(l); },
        [&](const std::string& l) { warned.push_back(l); });
  }
  FakeDocker docker;
  ManualClock clock;
  std::vector<std::string> said, warned;
  ImageReference web{"127.0.0.1:5000", "dk/web", "1.0", ""};
};

TEST_F(PullerTest, PullsTheTagAndReportsDigestAndSize) {
  docker.registry["127.0.0.1:5000/dk/web:1.0"] = DockerImage{"sha256:abc", {}, 2000000};
  docker.pull_messages = {*parse_json(R"({"status":"Digest: sha256:feed"})")};
  auto r = ensure(web);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->source, ImageSource::Pulled);
  EXPECT_EQ(r->image.id, "sha256:abc");
  EXPECT_NE(r->detail.find("sha256:feed, 2.0 MB"), std::string::npos) << r->detail;
  EXPECT_EQ(docker.last_registry_auth, "auth");
}

TEST_F(PullerTest, APresentPinnedDigestIsNotPulled) {
  ImageReference pinned{"r", "a", "1", "sha256:" + std::string(64, 'c')};
  docker.images["r/a@sha256:" + std::string(64, 'c')] = DockerImage{"sha256:1", {}, 1};
  auto r = ensure(pinned);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->source, ImageSource::PresentDigest);
  for (const auto& c : docker.calls) EXPECT_NE(c.rfind("pull", 0), 0u) << c;
}

TEST_F(PullerTest, TransientErrorsAreRetriedABoundedNumberOfTimes) {
  docker.registry["127.0.0.1:5000/dk/web:1.0"] = DockerImage{"sha256:abc", {}, 1};
  docker.failures["pull"] = {"pull x: POST /images/create: HTTP 500: received unexpected HTTP status: 503 Service Unavailable"};
  auto r = ensure(web);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(clock.monotonic_ms(), 2000);

  docker.images.clear();
  docker.failures["pull"] = {"HTTP 500: connection refused", "HTTP 500: connection refused", "HTTP 500: connection refused"};
  auto down = ensure(web);
  ASSERT_FALSE(down);
  EXPECT_NE(down.error().message().find("connection refused"), std::string::npos);
  EXPECT_EQ(clock.monotonic_ms(), 2000 + 2000 + 4000);
}

TEST_F(PullerTest, AnUnknownTagIsNotRetried) {
  auto r = ensure(ImageReference{"127.0.0.1:5000", "dk/web", "9.9", ""});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("manifest unknown"), std::string::npos);
  EXPECT_EQ(clock.monotonic_ms(), 0);
}

TEST_F(PullerTest, ARegistryOutageFallsBackToTheLocalImageLoudly) {
  docker.images["127.0.0.1:5000/dk/web:1.0"] = DockerImage{"sha256:old", {}, 1};
  docker.failures["pull"] = {"HTTP 500: dial tcp 127.0.0.1:5000: connect: connection refused",
                             "HTTP 500: dial tcp 127.0.0.1:5000: connect: connection refused",
                             "HTTP 500: dial tcp 127.0.0.1:5000: connect: connection refused"};
  auto r = ensure(web);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->source, ImageSource::LocalFallback);
  EXPECT_EQ(r->image.id, "sha256:old");
  ASSERT_EQ(warned.size(), 2u);
  EXPECT_NE(warned[0].find("WARNING"), std::string::npos);
  EXPECT_NE(warned[1].find("already on this machine"), std::string::npos);
}

TEST_F(PullerTest, AnUnreachableDaemonIsNotARegistryProblem) {
  docker.failures["pull"] = {"the Docker daemon at unix:///x does not answer: refused"};
  auto r = ensure(web);
  ASSERT_FALSE(r);
  EXPECT_EQ(clock.monotonic_ms(), 0);
}

TEST(PullErrors, PermanentOnes) {
  EXPECT_TRUE(pull_error_is_permanent("HTTP 404: manifest for x not found"));
  EXPECT_TRUE(pull_error_is_permanent("pull access denied for x"));
  EXPECT_FALSE(pull_error_is_permanent("HTTP 500: Get \"http://127.0.0.1:5001/v2/\": connection refused"));
  EXPECT_FALSE(pull_error_is_permanent("unexpected EOF"));
}

}  // namespace
}  // namespace taupage
