#include "util/log.h"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "util/strings.h"

namespace taupage {
namespace {

struct LogState {
  Log::Sink sink;
  bool verbose = false;
  std::vector<std::string> redactions;
};

LogState& state() {
  static LogState s;
  return s;
}

}  // namespace

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
}

std::string Log::redact(std::string line) {
  for (const auto& secret : state().redactions) {
    if (secret.empty()) continue;
    size_t pos = 0;
    while ((pos = line.find(secret, pos)) != std::string::npos) {
      line.replace(pos, secret.size(), "****");
      pos += 4;
    }
  }
  return line;
}

void Log::write(LogLevel level, const std::string& line) {
  if (level == LogLevel::Debug && !state().verbose) return;
  std::string safe = printable(redact(line));
  if (state().sink) {
    state().sink(level, safe);
    return;
  }
  const char* prefix = level == LogLevel::Warn ? "warning: " : level == LogLevel::Error ? "error: " : "";
  write_all(2, std::string(prefix) + safe + "\n");
}

void Log::set_sink(Sink sink) { state().sink = std::move(sink); }
void Log::set_verbose(bool verbose) { state().verbose = verbose; }
void Log::add_redaction(std::string_view secret_value) { state().redactions.emplace_back(secret_value); }
void Log::clear_redactions() {
  for (auto& s : state().redactions) {
    for (char& c : s) c = 0;
  }
  state().redactions.clear();
}

}  // namespace taupage
