/// mount(2) takes flags (MS_RDONLY, MS_NOATIME, ...) and a data string for the filesystem
/// ("size=1g", "discard"); user data writes both as one comma-separated list. This splits it.
#pragma once

#include <string>

#include "util/result.h"

namespace taupage {

struct MountOptions {
  unsigned long flags = 0;
  std::string data;  // the options the filesystem itself reads, comma-separated
};

// Spaces around options are dropped; "defaults" and empty parts are ignored; flags the kernel
// handles go to `flags`, the rest (in order) to `data`.
Result<MountOptions> split_mount_options(const std::string& text);

}  // namespace taupage
