#include "storage/cut_point.h"

#include <fcntl.h>
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
  std::string line = strfmt("TAUPAGE_CUT_AFTER=%llu: cut after %s", (unsigned long long)n, what.c_str());
  Log::error(line);
  const char* how = getenv("TAUPAGE_CUT_HOW");
  if (how != nullptr && std::string(how) == "sysrq") {
    // The machine itself goes, with our descriptors still open: the kernel's flush of a block
    // device at its last close, which a killed process still gets, never happens. The line goes
    // to the console through the kernel log (the process's own output is lost with the machine).
    int kmsg = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
    if (kmsg >= 0) {
      write_all(kmsg, "<3>taupage: " + line + "\n");
      ::close(kmsg);
    }
    int trigger = ::open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
    if (trigger >= 0) write_all(trigger, "b");
  }
  // SIGKILL, as the power cut the test stands for: no handler, no exit code of our choosing.
  kill(getpid(), SIGKILL);
  _exit(137);  // unreachable unless SIGKILL is not delivered at once
}

uint64_t cut_points_passed() { return passed.load(); }

}  // namespace taupage
