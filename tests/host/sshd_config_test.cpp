#include "host/sshd_config.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(SshdConfig, DropInHasOnePortLinePerEntry) {
  EXPECT_EQ(sshd_drop_in({22, 2222}),
            "# Written by taupage from ssh_ports in the user data; replaced on every boot.\nPort 22\nPort 2222\n");
}

TEST(SshdConfig, DebianDefaultOnlyKeepsItsCommentedPort) {
  std::string debian = "Include /etc/ssh/sshd_config.d/*.conf\n\n#Port 22\n#AddressFamily any\nKbdInteractiveAuthentication no\n";
  auto edit = edit_sshd_main_config(debian, {22});
  EXPECT_FALSE(edit.changed());
  EXPECT_EQ(edit.text, debian);
}

TEST(SshdConfig, ActivePortLinesAreCommentedOutAndNamed) {
  std::string text = "Include sshd_config.d/*.conf\nPort 2200\n  port=22\nPasswordAuthentication no\n";
  auto edit = edit_sshd_main_config(text, {22});
  ASSERT_EQ(edit.notes.size(), 2u);
  EXPECT_NE(edit.notes[0].find("line 2: commented out \"Port 2200\" (not in ssh_ports"), std::string::npos) << edit.notes[0];
  EXPECT_NE(edit.notes[1].find("line 3: commented out \"port=22\" (a duplicate"), std::string::npos) << edit.notes[1];
  EXPECT_EQ(
      edit.text,
      "Include sshd_config.d/*.conf\n# Port 2200  # commented out by taupage: ports come from ssh_ports\n#   port=22  # commented out by "
      "taupage: ports come from ssh_ports\nPasswordAuthentication no\n");
  EXPECT_FALSE(edit_sshd_main_config(edit.text, {22}).changed());
}

TEST(SshdConfig, MissingIncludeIsAddedAtTheTopOnce) {
  std::string text = "PermitRootLogin no\nMatch User backup\n  ForceCommand /bin/false\n";
  auto edit = edit_sshd_main_config(text, {22});
  ASSERT_EQ(edit.notes.size(), 1u);
  EXPECT_EQ(edit.text.find("# Added by taupage"), 0u);
  EXPECT_NE(edit.text.find("\nInclude /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n"), std::string::npos) << edit.text;
  auto again = edit_sshd_main_config(edit.text, {22});
  EXPECT_FALSE(again.changed());
  EXPECT_EQ(again.text, edit.text);
}

TEST(SshdConfig, AnIncludeOfAnotherFolderDoesNotCount) {
  auto edit = edit_sshd_main_config("Include /etc/ssh/other.d/*.conf\n", {22});
  EXPECT_TRUE(edit.changed());
}

}  // namespace
}  // namespace taupage
