/// Power cuts on purpose, for the crash tests: every operation of the disk steps that changes a
/// disk (a write, its flush, an md ioctl, a tool run, a mount, a chmod on a mounted filesystem)
/// passes a numbered cut point, so that a test can stop Taupage hard right after any of them.
#pragma once

#include <cstdint>
#include <string>

namespace taupage {

// Called right after a disk-changing operation; `what` names it ("flush /dev/vdb"), never data.
// Inert unless the environment asks (all three variables are for tests, read on every call):
//   TAUPAGE_CUT_TRACE=1  logs "cut point N: <what>" for each, the list of cuts a run passes;
//   TAUPAGE_CUT_AFTER=N  logs "TAUPAGE_CUT_AFTER=N: cut after <what>" and kills the process with
//                        SIGKILL right after the Nth (no destructor, no flush, no cleanup);
//   TAUPAGE_CUT_HOW=sysrq with it: the line also goes to /dev/kmsg, then the whole machine is
//                        reset at once through /proc/sysrq-trigger ("b": no sync, files left
//                        open, unflushed writes lost), as a power cut; only in a test VM.
void disk_changed(const std::string& what);

// How many cut points this process has passed.
uint64_t cut_points_passed();

}  // namespace taupage
