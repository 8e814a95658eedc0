// Replays the JSON fuzz target's seeds and regression inputs (tests/fuzz/seeds/json/) through
// the target's own oracle, so that `make test` keeps every input the fuzzer once broke fixed.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "fuzz/json_oracle.h"
#include "util/files.h"

namespace taupage {
namespace {

std::string seeds_dir() {
  const char* source = std::getenv("TAUPAGE_SOURCE_DIR");
  return std::string(source ? source : ".") + "/tests/fuzz/seeds/json";
}

TEST(JsonFuzzReplay, EverySeedPassesTheOracle) {
  std::vector<std::string> names;
  if (DIR* dir = opendir(seeds_dir().c_str())) {
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.') names.push_back(entry->d_name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  ASSERT_TRUE(std::find(names.begin(), names.end(), "regression-int-above-9e18.json") != names.end())
      << "seeds not found under " << seeds_dir();
  for (const auto& name : names) {
    auto text = read_file(seeds_dir() + "/" + name);
    ASSERT_TRUE(text) << name << ": " << text.error().message();
    EXPECT_EQ(testing::json_oracle_failure(*text), "") << name;
  }
}

}  // namespace
}  // namespace taupage
