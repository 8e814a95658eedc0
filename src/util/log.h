/// The log: one human line per action on stderr (the serial console at boot), with a sink that
/// tests can replace. Secrets cannot reach it by type: Secret has no conversion to text, and
/// every registered secret value is also redacted from any line before it is written.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace taupage {

enum class LogLevel { Debug, Info, Warn, Error };

class Log {
 public:
  using Sink = std::function<void(LogLevel, const std::string&)>;

  static void info(const std::string& line) { write(LogLevel::Info, line); }
  static void warn(const std::string& line) { write(LogLevel::Warn, line); }
  static void error(const std::string& line) { write(LogLevel::Error, line); }
  static void debug(const std::string& line) { write(LogLevel::Debug, line); }
  static void write(LogLevel level, const std::string& line);

  // Replaces the sink (tests); an empty function restores stderr.
  static void set_sink(Sink sink);
  static void set_verbose(bool verbose);
  // A value that must never be printed: any line containing it has it replaced by ****.
  static void add_redaction(std::string_view secret_value);
  static void clear_redactions();
  static std::string redact(std::string line);
};

// Writes all of `text` to a file descriptor, retrying on EINTR and short writes.
void write_all(int fd, std::string_view text);

}  // namespace taupage
