#include "docker/pull_progress.h"

#include <gtest/gtest.h>

#include "support/manual_clock.h"

namespace taupage {
namespace {

Json msg(const std::string& text) { return *parse_json(text); }

TEST(PullProgress, OneLineWhenALayerStartsAndWhenItIsDoneNotPerProgressMessage) {
  ManualClock clock;
  std::vector<std::string> lines;
  PullProgress p("reg/app:1", clock, [&](const std::string& l) { lines.push_back(l); });
  p.on_message(msg(R"({"status":"Pulling from app","id":"1"})"));
  p.on_message(msg(R"({"status":"Pulling fs layer","progressDetail":{},"id":"6e3d03502b76"})"));
  p.on_message(msg(R"({"status":"Already exists","progressDetail":{},"id":"aaaaaaaaaaaa"})"));
  for (int i = 1; i <= 50; ++i) {
    p.on_message(msg(R"({"status":"Downloading","progressDetail":{"current":)" + std::to_string(i * 20000) +
                     R"(,"total":1064859},"id":"6e3d03502b76"})"));
  }
  p.on_message(msg(R"({"status":"Verifying Checksum","progressDetail":{},"id":"6e3d03502b76"})"));
  p.on_message(msg(R"({"status":"Extracting","progressDetail":{"current":1064859,"total":1064859},"id":"6e3d03502b76"})"));
  p.on_message(msg(R"({"status":"Pull complete","progressDetail":{},"id":"6e3d03502b76"})"));
  p.on_message(msg(R"({"status":"Digest: sha256:4256620869c2"})"));
  p.on_message(msg(R"({"status":"Status: Downloaded newer image for reg/app:1"})"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "pull reg/app:1: layer 6e3d03502b76 downloading 1.1 MB");
  EXPECT_EQ(lines[1], "pull reg/app:1: layer 6e3d03502b76 done (1.1 MB)");
  EXPECT_EQ(p.digest(), "sha256:4256620869c2");
  EXPECT_FALSE(p.up_to_date());
  EXPECT_EQ(p.layers(), 2);
  EXPECT_EQ(p.layers_present(), 1);
  EXPECT_EQ(p.summary(), "2 layers (1 already present), 1.1 MB downloaded");
}

TEST(PullProgress, APeriodicTotalWhileItTakesLong) {
  ManualClock clock;
  std::vector<std::string> lines;
  PullProgress p(
      "reg/app:1", clock, [&](const std::string& l) { lines.push_back(l); }, 10000);
  p.on_message(msg(R"({"status":"Downloading","progressDetail":{"current":1000,"total":2000000},"id":"bbbbbbbbbbbb"})"));
  clock.advance_ms(4000);
  p.on_message(msg(R"({"status":"Downloading","progressDetail":{"current":500000,"total":2000000},"id":"bbbbbbbbbbbb"})"));
  EXPECT_EQ(lines.size(), 1u);
  clock.advance_ms(7000);
  p.on_message(msg(R"({"status":"Downloading","progressDetail":{"current":1000000,"total":2000000},"id":"bbbbbbbbbbbb"})"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "pull reg/app:1: 0 of 1 layers done, 1.0 MB of 2.0 MB downloaded, 11 s");
}

TEST(PullProgress, UpToDate) {
  ManualClock clock;
  PullProgress p("reg/app:1", clock, [](const std::string&) {});
  p.on_message(msg(R"({"status":"Digest: sha256:abc"})"));
  p.on_message(msg(R"({"status":"Status: Image is up to date for reg/app:1"})"));
  EXPECT_TRUE(p.up_to_date());
  EXPECT_EQ(p.summary(), "0 layers, 0 B downloaded");
}

TEST(PullProgress, HumanBytes) {
  EXPECT_EQ(human_bytes(999), "999 B");
  EXPECT_EQ(human_bytes(1500), "1.5 kB");
  EXPECT_EQ(human_bytes(2500000), "2.5 MB");
  EXPECT_EQ(human_bytes(3200000000ULL), "3.20 GB");
}

}  // namespace
}  // namespace taupage
