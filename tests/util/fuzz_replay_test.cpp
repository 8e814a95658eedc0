// Replays every committed fuzz input (tests/fuzz/seeds/, corpus/ and regressions/ of each
// target) through the target's own entry point, in the plain and the sanitizer unit builds, so
// that `make test` fails when an input a campaign once found crashing, hanging or tripping ASan
// or UBSan breaks again. Each target runs in a child process: a crash names the input.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/wire_server.h"
#include "util/files.h"

#define TAUPAGE_FUZZ_TARGETS(X) X(config) X(dns) X(docker) X(http) X(imds) X(json) X(md) X(netlink) X(probe) X(s3) X(xml)

// LeakSanitizer's check, present in the sanitizer build only: the child ends with _exit, which
// would skip the check at exit.
extern "C" int __lsan_do_recoverable_leak_check() __attribute__((weak));

#define DECLARE_TARGET(name) extern "C" int taupage_fuzz_##name(const uint8_t* data, size_t size);
TAUPAGE_FUZZ_TARGETS(DECLARE_TARGET)
#undef DECLARE_TARGET

namespace taupage {
namespace {

using Entry = int (*)(const uint8_t*, size_t);
struct Target {
  const char* name;
  Entry entry;
};

#define TABLE_ROW(name) {#name, taupage_fuzz_##name},
const Target kTargets[] = {TAUPAGE_FUZZ_TARGETS(TABLE_ROW)};
#undef TABLE_ROW

std::string fuzz_dir() {
  const char* source = std::getenv("TAUPAGE_SOURCE_DIR");
  return std::string(source ? source : ".") + "/tests/fuzz";
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* entry = readdir(d)) {
      if (entry->d_name[0] != '.') names.push_back(entry->d_name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> inputs_of(const std::string& target) {
  std::vector<std::string> paths;
  for (const char* kind : {"seeds", "corpus", "regressions"}) {
    std::string dir = fuzz_dir() + "/" + kind + "/" + target;
    for (const auto& name : entries(dir)) paths.push_back(dir + "/" + name);
  }
  return paths;
}

TEST(FuzzReplay, EveryTargetIsReplayed) {
  std::vector<std::string> sources;
  for (const auto& name : entries(fuzz_dir())) {
    if (name.size() > 9 && name.ends_with("_fuzz.cpp")) sources.push_back(name.substr(0, name.size() - 9));
  }
  ASSERT_FALSE(sources.empty()) << "no fuzz targets under " << fuzz_dir();
  for (const auto& source : sources) {
    bool listed = std::any_of(std::begin(kTargets), std::end(kTargets), [&](const Target& t) { return source == t.name; });
    EXPECT_TRUE(listed) << "tests/fuzz/" << source << "_fuzz.cpp is not in TAUPAGE_FUZZ_TARGETS here";
  }
}

TEST(FuzzReplay, EveryCommittedInputPasses) {
  for (const Target& target : kTargets) {
    std::vector<std::string> inputs = inputs_of(target.name);
    EXPECT_FALSE(inputs.empty()) << target.name << ": no seeds, corpus or regressions under " << fuzz_dir();
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // Before each input its index goes to the parent, which can then name the one that crashed.
      close(report[0]);
      for (size_t i = 0; i < inputs.size(); ++i) {
        uint32_t index = static_cast<uint32_t>(i);
        if (write(report[1], &index, sizeof index) != sizeof index) _exit(3);
        auto bytes = read_file(inputs[i]);
        if (!bytes) _exit(4);
        target.entry(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
      }
      fuzz::remove_wire_socket();
      if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check() != 0) _exit(5);
      _exit(0);
    }
    close(report[1]);
    uint32_t index = 0, last = UINT32_MAX;
    while (read(report[0], &index, sizeof index) == sizeof index) last = index;
    close(report[0]);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    std::string culprit = last < inputs.size() ? inputs[last] : "(before the first input)";
    EXPECT_TRUE(ok) << target.name << ": "
                    << (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                            : "exit " + std::to_string(WEXITSTATUS(status)))
                    << " on " << culprit;
    if (ok) std::printf("  %s: %zu inputs\n", target.name, inputs.size());
  }
}

}  // namespace
}  // namespace taupage
