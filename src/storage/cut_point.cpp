#include "storage/cut_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

std::atomic<uint64_t> passed{0};

}  // namespace

void disk_changed(const std::string& what) {
  uint64_t n = ++passed;
  const char* trace = getenv("TAUPAGE_CUT_TRACE");
  if (trace != nullptr && std::string(trace) == "1") Log::info(strfmt("cut point %llu: %s", (unsigned long long)n, what.c_str()));
  const char* after = getenv("TAUPAGE_CUT_AFTER");
  if (after == nullptr) return;
  auto limit = parse_uint(after);
  if (!limit || *limit != n) return;
  Log::error(strfmt("TAUPAGE_CUT_AFTER=%llu: cut after %s", (unsigned long long)n, what.c_str()));
  // SIGKILL, as the power cut the test stands for: no handler, no exit code of our choosing.
  kill(getpid(), SIGKILL);
  _exit(137);  // unreachable unless SIGKILL is not delivered at once
}

uint64_t cut_points_passed() { return passed.load(); }

}  // namespace taupage
