/// The `raid` step (early stage): every array in volumes.raid is kept if it runs, assembled from
/// its own 1.2 superblocks if they are there, and created only on blank members, through md
/// ioctls. The decisions are in raid_decision.h; this file does what they say.
#pragma once

#include <memory>

#include "engine/step.h"

namespace taupage {

std::unique_ptr<Step> make_raid_step();

}  // namespace taupage
