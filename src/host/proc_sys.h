/// Kernel settings through /proc/sys: a key's file, its value read with the whitespace the
/// kernel puts between fields made uniform, and a plain write (a file of /proc/sys cannot be
/// replaced by rename, so the atomic write of util/files does not apply).
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace taupage {

// "net.core.somaxconn" under "/proc/sys" -> "/proc/sys/net/core/somaxconn".
std::string proc_sys_path(const std::string& proc_sys, std::string_view key);

// Fields separated by single spaces, without the trailing newline: "4096\t87380\n" -> "4096 87380".
std::string normalize_sysctl_value(std::string_view value);

Result<std::string> read_proc_sys(const std::string& path);
Status write_proc_sys(const std::string& path, std::string_view value);

}  // namespace taupage
