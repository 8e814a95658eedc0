/// Where user data comes from on the command line: a file, or "-" for standard input.
#pragma once

#include <string>

#include "util/result.h"

namespace taupage {

// Reads a little more than EC2's 16 KiB limit, so that the config reader can say by how much
// the input is too large without reading an unbounded stream.
Result<std::string> read_user_data_input(const std::string& path);

}  // namespace taupage
