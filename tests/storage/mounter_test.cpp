// The real mounter's guard: a mount target reached through a symbolic link (one the application
// could have left inside an earlier mount) is refused before mount(2) is called.
#include "storage/mounter.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "util/files.h"

namespace taupage {
namespace {

TEST(RealMounter, ATargetThroughASymlinkIsRefusedBeforeMounting) {
  char pattern[] = "/tmp/taupage-mounter-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  ASSERT_TRUE(make_dirs(dir + "/mounts/data"));
  // The link points at a folder that does not exist: were it followed, mount(2) would fail with
  // ENOENT instead of the refusal, and nothing is mounted anywhere either way.
  ASSERT_EQ(::symlink((dir + "/elsewhere").c_str(), (dir + "/mounts/data/logs").c_str()), 0);
  RealMounter mounter;
  auto made = mounter.make_dirs(dir + "/mounts/data/logs");
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message().find("logs is a symbolic link"), std::string::npos) << made.error().message();
  EXPECT_FALSE(path_exists(dir + "/elsewhere"));
  auto mounted = mounter.mount("tmpfs", dir + "/mounts/data/logs", "tmpfs", 0, "size=1m");
  ASSERT_FALSE(mounted);
  EXPECT_NE(mounted.error().message().find("logs is a symbolic link; it is not followed"), std::string::npos) << mounted.error().message();
  EXPECT_TRUE(mounter.make_dirs(dir + "/mounts/data/cache"));
  (void)std::system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace taupage
