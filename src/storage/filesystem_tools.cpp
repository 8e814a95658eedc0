#include "storage/filesystem_tools.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "storage/cut_point.h"
#include "util/files.h"
#include "util/strings.h"

namespace taupage {

Result<std::string> find_tool(const std::string& tool) {
  if (tool.empty() || tool.find('/') != std::string::npos) return Error("bad tool name " + quote(tool));
  for (const char* dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
    std::string path = std::string(dir) + "/" + tool;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return Error(tool + " not found in /usr/sbin, /sbin, /usr/bin or /bin");
}

Result<ToolRun> RealToolRunner::run(const std::string& tool, const std::vector<std::string>& args) {
  auto path = find_tool(tool);
  if (!path) return std::move(path).error();
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return Error("pipe: " + errno_text(errno));
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path->c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  char env_path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* envp[] = {env_path, nullptr};
  // vfork, not fork: fork's atfork machinery costs the static binary 4 KB. The child shares our
  // memory until execve, so it only makes system calls on what is prepared here.
  int null_fd = ::open("/dev/null", O_RDONLY);
  pid_t pid = vfork();
  if (pid == 0) {
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    execve(argv[0], argv.data(), envp);
    _exit(127);
  }
  int spawn_errno = errno;
  if (null_fd >= 0) ::close(null_fd);
  if (pid < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return Error("fork: " + errno_text(spawn_errno));
  }
  ::close(pipe_fds[1]);
  ToolRun run;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buffer, static_cast<size_t>(n));
    if (run.output.size() > 64 * 1024) run.output.erase(0, run.output.size() - 32 * 1024);
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error("wait for " + tool + ": " + errno_text(errno));
  }
  // Every tool Taupage runs may write the device (fsck -p too), whatever its exit code.
  disk_changed(tool + " " + join(args, " "));
  if (WIFSIGNALED(status)) return Error(strfmt("%s was killed by signal %d", tool.c_str(), WTERMSIG(status)));
  run.exit_code = WEXITSTATUS(status);
  return run;
}

std::vector<std::string> mkfs_arguments(const std::string& filesystem, const std::string& device, bool root) {
  if (filesystem == "ext2" || filesystem == "ext3" || filesystem == "ext4") {
    std::string extended = "nodiscard";
    if (!root) extended += ",root_owner=999:999";
    return {"-F", "-q", "-E", extended, device};
  }
  if (filesystem == "xfs") return {"-f", "-q", "-K", device};
  if (filesystem == "btrfs") return {"-f", "-q", "-K", device};
  return {device};
}

FsckVerdict fsck_verdict(int exit_code) {
  if (exit_code == 0) return FsckVerdict::Clean;
  if (exit_code == 1 || exit_code == 2 || exit_code == 3) return FsckVerdict::Repaired;
  return FsckVerdict::Unfixable;
}

}  // namespace taupage
