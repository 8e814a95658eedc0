/// Which kernel settings user data may change through `sysctl`, written down once and enforced
/// when the user data is read: the application may tune capacity (buffers, queues, limits,
/// memory), never undo the image's hardening or change what the kernel runs as root.
#pragma once

#include <string>
#include <string_view>

namespace taupage {

// Empty when `key` ("net.core.somaxconn") may be set; otherwise why not, one sentence.
std::string sysctl_key_problem(std::string_view key);

// Empty when `value` can be written to the key's file; otherwise why not.
std::string sysctl_value_problem(std::string_view value);

}  // namespace taupage
