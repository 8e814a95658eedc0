// The user-data corpus under tests/data/: each NAME.yaml with NAME.expected beside it, holding
// either "valid" or the exact diagnostics `taupage check` must print, one per line.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "config/config_reader.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

std::string data_dir() {
  const char* source = std::getenv("TAUPAGE_SOURCE_DIR");
  return std::string(source ? source : ".") + "/tests/data";
}

std::vector<std::string> corpus_names() {
  std::vector<std::string> names;
  DIR* dir = opendir(data_dir().c_str());
  if (!dir) return names;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".yaml") names.push_back(name.substr(0, name.size() - 5));
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Corpus, EveryFileGivesItsExpectedResult) {
  auto names = corpus_names();
  ASSERT_GE(names.size(), 8u) << "corpus not found under " << data_dir();
  for (const auto& name : names) {
    auto text = read_file(data_dir() + "/" + name + ".yaml");
    auto expected = read_file(data_dir() + "/" + name + ".expected");
    ASSERT_TRUE(text && expected) << name;
    ConfigRead read = read_config(*text);
    std::string actual;
    for (const auto& d : read.diagnostics) actual += d.render() + "\n";
    if (actual.empty()) actual = "valid\n";
    EXPECT_EQ(actual, *expected) << name;
    EXPECT_EQ(read.config.has_value(), *expected == "valid\n" || !has_errors(read.diagnostics)) << name;
  }
}

TEST(Corpus, TheDocumentationExampleFailsWithExactlyItsTwoMistakes) {
  auto text = read_file(data_dir() + "/doc-example.yaml");
  ASSERT_TRUE(text);
  ConfigRead read = read_config(*text);
  ASSERT_EQ(count_errors(read.diagnostics), 2u);
  EXPECT_EQ(read.diagnostics[0].path, "$.ports.\"8600\"");
  EXPECT_EQ(read.diagnostics[0].mark.line, 14);
  EXPECT_EQ(read.diagnostics[1].path, "$.environment.MY_DB_PASSWORD");
  EXPECT_EQ(read.diagnostics[1].mark.line, 23);
  // With those two lines fixed it passes.
  std::string fixed = *text;
  fixed.replace(fixed.find("8600/upd"), 8, "8600/udp");
  fixed.replace(fixed.find("v5V2bMGRgg2yTHXm5Fn..."), 22, "v5V2bMGRgg2yTHXm5Fn00000");
  EXPECT_TRUE(read_config(fixed).config);
}

TEST(Corpus, TheExamplesAreValid) {
  const char* source = std::getenv("TAUPAGE_SOURCE_DIR");
  auto text = read_file(std::string(source ? source : ".") + "/examples/webshop.yaml");
  ASSERT_TRUE(text);
  ConfigRead read = read_config(*text, ReadOptions{true});
  EXPECT_TRUE(read.config);
  EXPECT_TRUE(read.diagnostics.empty());
}

}  // namespace
}  // namespace taupage
