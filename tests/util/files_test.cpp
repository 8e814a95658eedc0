// The atomic file writer: whoever can create names in the folder cannot make it write elsewhere,
// the mode is the one asked for, and no temporary file is left behind.
#include "util/files.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace taupage {
namespace {

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/taupage-files-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    ASSERT_TRUE(write_file_atomic(dir_ + "/victim", "secret\n", 0600));
  }
  void TearDown() override { (void)std::system(("rm -rf '" + dir_ + "'").c_str()); }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir_.c_str());
    while (auto* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    ::closedir(d);
    return out;
  }
  mode_t mode_of(const std::string& path) const {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    return st.st_mode;
  }

  std::string dir_;
};

TEST_F(FilesTest, WritesWithTheModeAskedForAndLeavesNoTemporaryFile) {
  ::umask(022);
  ASSERT_TRUE(write_file_atomic(dir_ + "/report.json", "{}\n", 0600));
  EXPECT_EQ(mode_of(dir_ + "/report.json") & 07777, 0600u);
  ASSERT_TRUE(write_file_atomic(dir_ + "/report.json", "{\"a\":1}\n", 0640));
  EXPECT_EQ(mode_of(dir_ + "/report.json") & 07777, 0640u);
  EXPECT_EQ(*read_file(dir_ + "/report.json"), "{\"a\":1}\n");
  EXPECT_EQ(names().size(), 2u);  // victim and report.json
}

// The old writer opened "<file>.tmp-taupage" following links: a symlink there made root overwrite
// the link's target and chmod it.
TEST_F(FilesTest, ASymlinkAtTheOldTemporaryNameIsNotFollowed) {
  ASSERT_EQ(::symlink((dir_ + "/victim").c_str(), (dir_ + "/report.json.tmp-taupage").c_str()), 0);
  ASSERT_TRUE(write_file_atomic(dir_ + "/report.json", "report\n", 0644));
  EXPECT_EQ(*read_file(dir_ + "/victim"), "secret\n");
  EXPECT_EQ(mode_of(dir_ + "/victim") & 07777, 0600u);
  EXPECT_EQ(*read_file(dir_ + "/report.json"), "report\n");
}

TEST_F(FilesTest, ASymlinkAtTheFileItselfIsReplacedNotFollowed) {
  ASSERT_EQ(::symlink((dir_ + "/victim").c_str(), (dir_ + "/report.json").c_str()), 0);
  ASSERT_TRUE(write_file_atomic(dir_ + "/report.json", "report\n", 0644));
  EXPECT_EQ(*read_file(dir_ + "/victim"), "secret\n");
  EXPECT_TRUE(S_ISREG(mode_of(dir_ + "/report.json")));
}

TEST_F(FilesTest, AFolderThatCannotBeWrittenIsAnErrorNamingTheFile) {
  auto written = write_file_atomic(dir_ + "/missing/report.json", "x", 0600);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message().find(dir_ + "/missing/report.json"), std::string::npos) << written.error().message();
}

TEST_F(FilesTest, RefuseSymlinksNamesTheLinkOnTheWay) {
  ASSERT_TRUE(make_dirs(dir_ + "/mounts/data"));
  EXPECT_TRUE(refuse_symlinks(dir_ + "/mounts/data/logs"));  // missing below is fine
  ASSERT_EQ(::symlink("/etc", (dir_ + "/mounts/data/logs").c_str()), 0);
  auto refused = refuse_symlinks(dir_ + "/mounts/data/logs/sub");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(), dir_ + "/mounts/data/logs is a symbolic link; it is not followed");
}

}  // namespace
}  // namespace taupage
