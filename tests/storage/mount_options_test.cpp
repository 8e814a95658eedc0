#include "storage/mount_options.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include "storage/filesystem_tools.h"
#include "storage/mounter.h"

namespace taupage {
namespace {

TEST(MountOptions, SplitsFlagsFromData) {
  auto o = split_mount_options(" noatime ,ro,defaults,, size=1g,mode=0700,rw");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->flags, static_cast<unsigned long>(MS_NOATIME));  // rw, later, clears ro
  EXPECT_EQ(o->data, "size=1g,mode=0700");
}

TEST(MountOptions, RefusesBindAndRemount) {
  EXPECT_FALSE(split_mount_options("bind").ok());
  EXPECT_FALSE(split_mount_options("remount,ro").ok());
}

TEST(Mountinfo, FindsTheTopmostMountAndDecodesEscapes) {
  std::string text =
      "22 1 0:21 / /root/mounts rw - tmpfs taupage-mounts rw\n"
      "30 22 9:127 / /root/mounts/my\\040data rw,noatime shared:5 - ext4 /dev/md127 rw\n"
      "31 22 0:40 / /root/mounts rw - tmpfs other rw\n";
  auto e = find_in_mountinfo(text, "/root/mounts/my data");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->source, "/dev/md127");
  EXPECT_EQ(e->major, 9u);
  EXPECT_EQ(e->minor, 127u);
  EXPECT_EQ(find_in_mountinfo(text, "/root/mounts")->source, "other");
  EXPECT_FALSE(find_in_mountinfo(text, "/root").has_value());
}

TEST(FilesystemTools, NoDiscardAndOwner) {
  EXPECT_EQ(mkfs_arguments("ext4", "/dev/x", false),
            (std::vector<std::string>{"-F", "-q", "-E", "nodiscard,root_owner=999:999", "/dev/x"}));
  EXPECT_EQ(mkfs_arguments("xfs", "/dev/x", false), (std::vector<std::string>{"-f", "-q", "-K", "/dev/x"}));
  EXPECT_EQ(fsck_verdict(0), FsckVerdict::Clean);
  EXPECT_EQ(fsck_verdict(1), FsckVerdict::Repaired);
  EXPECT_EQ(fsck_verdict(4), FsckVerdict::Unfixable);
  EXPECT_EQ(fsck_verdict(8), FsckVerdict::Unfixable);
  EXPECT_FALSE(find_tool("../sh").ok());
  EXPECT_FALSE(find_tool("no-such-tool-taupage").ok());
}

TEST(FilesystemTools, RunsARealToolWithoutAShell) {
  RealToolRunner runner;
  auto run = runner.run("mke2fs", {"-V"});
  ASSERT_TRUE(run.ok()) << run.error().message();
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_NE(run->output.find("mke2fs"), std::string::npos);
}

}  // namespace
}  // namespace taupage
