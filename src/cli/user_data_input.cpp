#include "cli/user_data_input.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "cli/command.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {
namespace {

// How long a FIFO or socket named as the config may stay silent, and may take in all.
constexpr int64_t kStreamSilenceMs = 10 * 1000;
constexpr int64_t kStreamTotalMs = 30 * 1000;

int64_t monotonic_ms() {
  struct timespec now {};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

// Reads up to one byte more than kUserDataReadLimit, so that "too large" is known without reading
// on. A FIFO, socket or character device is opened O_NONBLOCK: each read then waits at most
// kStreamSilenceMs for data, and the whole read at most kStreamTotalMs.
Result<std::string> read_stream(int fd) {
  std::string content;
  char buffer[4096];
  const int64_t deadline = monotonic_ms() + kStreamTotalMs;
  while (content.size() <= kUserDataReadLimit) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      content.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return content;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Error(errno_text(errno));
    // A writer that drips a byte now and then must not hold the boot either.
    int64_t left = deadline - monotonic_ms();
    if (left <= 0) return Error(strfmt("not all of it arrived within %lld s", static_cast<long long>(kStreamTotalMs / 1000)));
    struct pollfd p {
      fd, POLLIN, 0
    };
    int ready = ::poll(&p, 1, static_cast<int>(std::min(left, kStreamSilenceMs)));
    if (ready == 0 && left <= kStreamSilenceMs)
      return Error(strfmt("not all of it arrived within %lld s", static_cast<long long>(kStreamTotalMs / 1000)));
    if (ready == 0) return Error(strfmt("nothing arrived for %lld s", static_cast<long long>(kStreamSilenceMs / 1000)));
    if (ready < 0 && errno != EINTR) return Error(errno_text(errno));
  }
  return content;
}

}  // namespace

UserDataInput read_user_data_input(const std::string& path) {
  UserDataInput input;
  std::string name = path == "-" ? "standard input" : path;
  auto fail = [&](const std::string& why, int exit_code) {
    input.error = "cannot read user data from " + name + ": " + why;
    input.exit_code = exit_code;
    return input;
  };
  Result<std::string> content = std::string();
  if (path == "-") {
    content = read_stream(0);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return fail(errno_text(errno), kExitUsage);
    struct stat st {};
    ::fstat(fd, &st);
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return fail("it is a folder", kExitUsage);
    }
    if (S_ISREG(st.st_mode)) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      if (st.st_size > static_cast<off_t>(kUserDataReadLimit)) {
        ::close(fd);
        return fail(strfmt("%lld bytes; EC2 user data is at most 16 KiB", static_cast<long long>(st.st_size)), kExitFailed);
      }
      content = read_stream(fd);
    } else {
      content = read_stream(fd);
      if (content && content->empty()) {
        ::close(fd);
        return fail("it is not a regular file and gave nothing to read (a FIFO without a writer?)", kExitUsage);
      }
    }
    ::close(fd);
  }
  if (!content) return fail(content.error().message(), kExitUsage);
  if (content->size() > kUserDataReadLimit) {
    return fail(strfmt("more than %zu bytes; EC2 user data is at most 16 KiB", kUserDataReadLimit), kExitFailed);
  }
  input.text = std::move(*content);
  return input;
}

std::optional<std::string> read_user_data_argument(const std::vector<std::string>& positionals, int* exit_code) {
  auto input = read_user_data_input(positionals.empty() ? "-" : positionals[0]);
  if (!input.text) {
    err("error: " + input.error + "\n");
    *exit_code = input.exit_code;
  }
  return std::move(input.text);
}

}  // namespace taupage
