/// The `volumes` step (early stage, before raid): attaches the EBS volumes of volumes.ebs, found
/// by Name tag in the instance's availability zone, and waits for their disks, so raid and mounts
/// can use the /dev/sdX or /dev/xvdX names users wrote. The decisions are in volume_attacher.h.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/step.h"
#include "util/result.h"

namespace taupage {

std::unique_ptr<Step> make_volumes_step();

// `name` with ${local_ipv4} and ${public_ipv4} replaced; an error when it needs a public address
// and the instance has none.
Result<std::string> substitute_instance_values(const std::string& name, const std::string& local_ipv4,
                                               const std::optional<std::string>& public_ipv4);

}  // namespace taupage
