#include "storage/cut_point.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "storage/block_devices.h"
#include "util/clock.h"
#include "util/files.h"
#include "util/log.h"

namespace taupage {
namespace {

struct Captured {
  Captured() {
    Log::set_sink([this](LogLevel, const std::string& line) { lines.push_back(line); });
  }
  ~Captured() { Log::set_sink({}); }
  std::vector<std::string> lines;
};

TEST(CutPoint, InertWithoutTheEnvironment) {
  unsetenv("TAUPAGE_CUT_TRACE");
  unsetenv("TAUPAGE_CUT_AFTER");
  Captured log;
  uint64_t before = cut_points_passed();
  disk_changed("write /dev/vdb at 0 (512 bytes), not flushed");
  EXPECT_EQ(cut_points_passed(), before + 1);
  EXPECT_TRUE(log.lines.empty());
}

TEST(CutPoint, AWriteToADevicePassesTwoCutPointsTracedInOrder) {
  char pattern[] = "/tmp/cut-point-XXXXXX";
  int fd = mkstemp(pattern);
  ASSERT_GE(fd, 0);
  ::close(fd);
  setenv("TAUPAGE_CUT_TRACE", "1", 1);
  unsetenv("TAUPAGE_CUT_AFTER");
  Captured log;
  RealClock clock;
  RealBlockDevices devices(clock);
  uint64_t before = cut_points_passed();
  ASSERT_TRUE(devices.write_at(pattern, 4096, std::vector<uint8_t>(512, 7)).ok());
  unsetenv("TAUPAGE_CUT_TRACE");
  ::unlink(pattern);
  ASSERT_EQ(log.lines.size(), 2u);
  EXPECT_EQ(log.lines[0], "cut point " + std::to_string(before + 1) + ": write " + pattern + " at 4096 (512 bytes), not flushed");
  EXPECT_EQ(log.lines[1], "cut point " + std::to_string(before + 2) + ": flush " + pattern);
}

// Zeros over several extents: a cut point after each write, then one flush for all; the bytes
// between the extents stay as they were (an extent longer than the 1 MiB buffer is written whole).
TEST(CutPoint, ZerosOverSeveralExtentsAreWrittenThenFlushedOnce) {
  char pattern[] = "/tmp/cut-point-XXXXXX";
  int fd = mkstemp(pattern);
  ASSERT_GE(fd, 0);
  const size_t size = 4 << 20;
  std::vector<uint8_t> fill(size, 0xAA);
  ASSERT_EQ(::write(fd, fill.data(), fill.size()), static_cast<ssize_t>(size));
  ::close(fd);
  setenv("TAUPAGE_CUT_TRACE", "1", 1);
  unsetenv("TAUPAGE_CUT_AFTER");
  Captured log;
  RealClock clock;
  RealBlockDevices devices(clock);
  uint64_t before = cut_points_passed();
  const uint64_t long_extent = (1 << 20) + (1 << 19) + 4096;
  ASSERT_TRUE(devices.write_zeros(pattern, {{4096, long_extent}, {size - 512, 512}}).ok());
  unsetenv("TAUPAGE_CUT_TRACE");
  auto bytes = read_file(pattern, size + 1);
  ::unlink(pattern);
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->size(), size);
  for (size_t i = 0; i < size; ++i) {
    bool zeroed = (i >= 4096 && i < 4096 + long_extent) || i >= size - 512;
    ASSERT_EQ(static_cast<uint8_t>((*bytes)[i]), zeroed ? 0 : 0xAA) << "byte " << i;
  }
  ASSERT_EQ(log.lines.size(), 3u);
  EXPECT_EQ(log.lines[0], "cut point " + std::to_string(before + 1) + ": write " + pattern + " at 4096 (" + std::to_string(long_extent) +
                              " bytes), not flushed");
  EXPECT_EQ(log.lines[1], "cut point " + std::to_string(before + 2) + ": write " + pattern + " at " + std::to_string(size - 512) +
                              " (512 bytes), not flushed");
  EXPECT_EQ(log.lines[2], "cut point " + std::to_string(before + 3) + ": flush " + pattern);
}

TEST(CutPoint, TheNthCutKillsTheProcessWithSigkillAndSaysWhere) {
  EXPECT_EXIT(
      {
        unsetenv("TAUPAGE_CUT_TRACE");
        setenv("TAUPAGE_CUT_AFTER", std::to_string(cut_points_passed() + 2).c_str(), 1);
        disk_changed("md127: SET_ARRAY_INFO");
        disk_changed("md127: RUN_ARRAY");
        disk_changed("never reached");
        _exit(0);
      },
      ::testing::KilledBySignal(SIGKILL), "cut after md127: RUN_ARRAY");
}

TEST(CutPoint, ACutLaterThanTheRunIsNeverReached) {
  setenv("TAUPAGE_CUT_AFTER", std::to_string(cut_points_passed() + 100).c_str(), 1);
  disk_changed("flush /dev/vdb");
  unsetenv("TAUPAGE_CUT_AFTER");
  SUCCEED();
}

}  // namespace
}  // namespace taupage
