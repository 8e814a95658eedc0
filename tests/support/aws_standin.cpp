#include "support/aws_standin.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "util/files.h"
#include "util/strings.h"

namespace taupage::testing {

AwsStandin::AwsStandin(const std::map<std::string, std::string>& files, double attach_delay) {
  char templ[] = "/tmp/aws-standin-it.XXXXXX";
  if (!mkdtemp(templ)) return;
  dir_ = templ;
  for (const auto& [path, content] : files) {
    std::string full = dir_ + "/" + path;
    (void)make_dirs(std::filesystem::path(full).parent_path().string());
    (void)write_file_atomic(full, content);
  }
  const char* source = getenv("TAUPAGE_SOURCE_DIR");
  std::string script = std::string(source ? source : ".") + "/tests/standin/aws_standin.py";
  std::string delay = strfmt("%g", attach_delay);
  pid_ = fork();
  if (pid_ == 0) {
    execlp("python3", "python3", script.c_str(), "--dir", dir_.c_str(), "--attach-delay", delay.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200 && !ready_; ++i) {
    ready_ = path_exists(dir_ + "/ready");
    if (!ready_) usleep(50 * 1000);
  }
}

AwsStandin::~AwsStandin() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::map<std::string, std::string> AwsStandin::environment(bool with_keys) const {
  std::map<std::string, std::string> env;
  for (const char* name : {"env", "env-credentials"}) {
    if (!with_keys && std::string(name) == "env-credentials") continue;
    auto text = read_file(dir_ + "/" + name);
    if (!text) continue;
    for (const auto& line : split(*text, '\n')) {
      std::string l = line.rfind("export ", 0) == 0 ? line.substr(7) : line;
      size_t eq = l.find('=');
      if (eq == std::string::npos) continue;
      std::string value = l.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '\'') value = value.substr(1, value.size() - 2);
      env[l.substr(0, eq)] = value;
    }
  }
  return env;
}

}  // namespace taupage::testing
