/// Where user data comes from on the command line: a file, or "-" for standard input. A file
/// that cannot be read is the command line's fault (exit 2); input too large to be user data is
/// invalid user data (exit 1). Neither a FIFO without a writer nor an endless stream can hang it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace taupage {

struct UserDataInput {
  std::optional<std::string> text;  // the user data, when it could be read
  std::string error;                // why not
  int exit_code = 0;                // on error: 2 (cannot read what was named) or 1 (too large)
};

// Reads at most kUserDataReadLimit bytes: more than EC2's 16 KiB, so that the config reader can
// say by how much a document is too large, and never an unbounded stream.
inline constexpr size_t kUserDataReadLimit = 64 * 1024;

UserDataInput read_user_data_input(const std::string& path);

// For `check` and `plan`: the user data named by the command's one positional (standard input
// when there is none). When it cannot be read, prints "error: ..." and gives the exit code instead.
std::optional<std::string> read_user_data_argument(const std::vector<std::string>& positionals, int* exit_code);

}  // namespace taupage
