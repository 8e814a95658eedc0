/// The only programs Taupage runs: mkfs.<fs>, fsck.<fs>, resize2fs and xfs_growfs, found in a fixed
/// list of folders and started with execve (no shell, no PATH search, a clean environment).
/// What to pass them (no discard, the owner of a new ext root) is decided here, once.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace taupage {

struct ToolRun {
  int exit_code = 0;
  std::string output;  // stdout and stderr, the tail kept
};

class ToolRunner {
 public:
  virtual ~ToolRunner() = default;
  // Runs `tool` (a bare name like "mkfs.ext4") found in /usr/sbin, /sbin, /usr/bin or /bin.
  virtual Result<ToolRun> run(const std::string& tool, const std::vector<std::string>& args) = 0;
};

class RealToolRunner : public ToolRunner {
 public:
  Result<ToolRun> run(const std::string& tool, const std::vector<std::string>& args) override;
};

// Where `tool` is, from the fixed list; an error naming the folders searched.
Result<std::string> find_tool(const std::string& tool);

// The arguments of mkfs.<filesystem> for a new filesystem on `device`: never discard (on EBS it
// is slow and pointless), overwrite without asking, ext roots owned by 999:999 unless `root`.
std::vector<std::string> mkfs_arguments(const std::string& filesystem, const std::string& device, bool root);

enum class FsckVerdict { Clean, Repaired, Unfixable };
// e2fsck's exit code: 0 clean, 1 (or 2, reboot advised) repaired, 4 and above not fixed or failed.
FsckVerdict fsck_verdict(int exit_code);

}  // namespace taupage
