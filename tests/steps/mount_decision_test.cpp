// The mount decision alone: format, check, grow or refuse, for every state of a device.
#include "steps/mount_decision.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <functional>

#include "steps/storage_machine.h"
#include "util/log.h"
#include "util/strings.h"

namespace taupage {
namespace {

using namespace storage_test;

MountSpec spec(const std::string& fs, bool erase) {
  MountSpec s;
  s.target = "/data";
  s.partition = "/dev/xvdf";
  s.filesystem = fs;
  s.erase_on_boot = erase;
  return s;
}

TEST(MountDecision, TheWholeTable) {
  struct Row {
    bool erase;
    Content found;
    MountAction expected;
  };
  const Row rows[] = {
      {true, Content::Blank, MountAction::Format},    {true, Content::Ext4, MountAction::Format},
      {true, Content::Xfs, MountAction::Format},      {true, Content::Unknown, MountAction::Format},
      {false, Content::Blank, MountAction::Format},   {false, Content::Ext4, MountAction::Mount},
      {false, Content::Ext3, MountAction::Refuse},    {false, Content::Xfs, MountAction::Refuse},
      {false, Content::Btrfs, MountAction::Refuse},   {false, Content::Swap, MountAction::Refuse},
      {false, Content::Luks, MountAction::Refuse},    {false, Content::Lvm, MountAction::Refuse},
      {false, Content::Md12, MountAction::Refuse},    {false, Content::Md090, MountAction::Refuse},
      {false, Content::Mbr, MountAction::Refuse},     {false, Content::Gpt, MountAction::Refuse},
      {false, Content::Unknown, MountAction::Refuse},
  };
  for (const auto& row : rows) {
    auto d = decide_mount(spec("ext4", row.erase), row.found);
    EXPECT_EQ(d.action, row.expected) << "erase=" << row.erase << " found=" << content_name(row.found) << ": " << d.reason;
  }
  EXPECT_EQ(decide_mount(spec("xfs", false), Content::Xfs).action, MountAction::Mount);
  EXPECT_NE(decide_mount(spec("ext4", false), Content::Xfs).reason.find("holds xfs, the config says ext4"), std::string::npos);
}

}  // namespace
}  // namespace taupage
