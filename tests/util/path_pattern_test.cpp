// Our path patterns against glibc's glob(3) (which the tests may use; the binary may not, for its
// weight): the same files in the same order, for the patterns configuration files use and for the
// corners (hidden names, classes, ranges, negation, an unclosed '[', '*' runs, wildcard folders).
#include "util/path_pattern.h"

#include <glob.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace taupage {
namespace {

std::vector<std::string> glibc_glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t found{};
  if (::glob(pattern.c_str(), 0, nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) {
      std::string path = found.gl_pathv[i];
      // The one difference, on purpose: "." and ".." (which glob gives ".*") are never a file to read.
      if (!path.ends_with("/.") && !path.ends_with("/..")) out.push_back(path);
    }
  }
  ::globfree(&found);
  return out;
}

TEST(PathPattern, NamesMatchAsInTheShell) {
  EXPECT_TRUE(name_matches("*.conf", "taupage.conf"));
  EXPECT_TRUE(name_matches("*.conf", ".conf") == false);  // a hidden name needs a leading dot
  EXPECT_TRUE(name_matches(".*", ".hidden"));
  EXPECT_TRUE(name_matches("net-*.conf", "net-ens5.conf"));
  EXPECT_FALSE(name_matches("net-*.conf", "net-ens5.conf~"));
  EXPECT_TRUE(name_matches("a*b*c", "aXXbYYbc"));
  EXPECT_FALSE(name_matches("a*b*c", "aXXbYYb"));
  EXPECT_TRUE(name_matches("??", "ab"));
  EXPECT_FALSE(name_matches("??", "abc"));
  EXPECT_TRUE(name_matches("[a-c]x", "bx"));
  EXPECT_FALSE(name_matches("[!a-c]x", "bx"));
  EXPECT_TRUE(name_matches("[]]", "]"));
  EXPECT_TRUE(name_matches("[x", "[x"));  // no closing bracket: a plain '['
  EXPECT_TRUE(name_matches("***", "anything"));
  EXPECT_TRUE(name_matches("", "") && !name_matches("", "a"));
}

TEST(PathPattern, TheSameFilesAsGlibcGlobInTheSameOrder) {
  char templ[] = "/tmp/taupage-pattern-XXXXXX";
  std::string dir = ::mkdtemp(templ);
  for (const char* folder : {"/etc", "/etc/ssh", "/etc/ssh/sshd_config.d", "/run", "/a1", "/a2", "/b1"})
    ::mkdir((dir + folder).c_str(), 0755);
  for (const char* file : {"/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/10-a.conf", "/etc/ssh/sshd_config.d/taupage.conf",
                           "/etc/ssh/sshd_config.d/.hidden.conf", "/etc/ssh/sshd_config.d/notes.txt", "/run/net-ens5.conf",
                           "/run/net-eth0.conf", "/run/net-.conf", "/run/netX", "/a1/x.conf", "/a2/x.conf", "/b1/x.conf", "/a1/[x"}) {
    std::ofstream(dir + file) << "x\n";
  }
  for (const char* pattern :
       {"/etc/ssh/sshd_config.d/*.conf", "/etc/ssh/sshd_config.d/*", "/etc/ssh/sshd_config.d/.*", "/etc/ssh/sshd_config",
        "/etc/ssh/missing", "/etc/ssh/sshd_config.d/*.none", "/run/net-*.conf", "/run/net?*.conf", "/run/net[-X]*", "/run/net[!-]*",
        "/a?/x.conf", "/[ab]*/x.conf", "/*/x.conf", "/a1/[x", "/*/*.conf", "/etc/*/sshd_config", "/missing/*.conf", "/run/*/x"}) {
    EXPECT_EQ(paths_matching(dir + pattern), glibc_glob(dir + pattern)) << pattern;
  }
  EXPECT_EQ(paths_matching(dir + "/run/net-*.conf").size(), 3u);  // the comparison above is not empty
  (void)std::system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace taupage
