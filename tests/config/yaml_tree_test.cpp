#include "config/yaml_tree.h"

#include <gtest/gtest.h>

#include "config/config_reader.h"

namespace taupage {
namespace {

TEST(YamlTree, KeepsLineColumnAndStyle) {
  auto parsed = parse_yaml("a: 1\nb:\n  - 'x'\n  - y\n");
  ASSERT_TRUE(parsed.ok);
  const YamlNode& root = parsed.root;
  ASSERT_TRUE(root.is_mapping());
  ASSERT_EQ(root.entries.size(), 2u);
  EXPECT_EQ(root.entries[0].value.text, "1");
  EXPECT_EQ(root.entries[0].value.mark.line, 1);
  EXPECT_EQ(root.entries[0].value.mark.column, 4);
  const YamlNode& list = root.entries[1].value;
  ASSERT_TRUE(list.is_sequence());
  EXPECT_FALSE(list.items[0].plain);
  EXPECT_TRUE(list.items[1].plain);
  EXPECT_EQ(list.items[1].mark.line, 4);
}

TEST(YamlTree, NullForms) {
  auto parsed = parse_yaml("a:\nb: ~\nc: null\nd: ''\n");
  ASSERT_TRUE(parsed.ok);
  EXPECT_TRUE(parsed.root.entries[0].value.is_null());
  EXPECT_TRUE(parsed.root.entries[1].value.is_null());
  EXPECT_TRUE(parsed.root.entries[2].value.is_null());
  EXPECT_FALSE(parsed.root.entries[3].value.is_null());
}

TEST(YamlTree, AliasesExpandWithinTheBudget) {
  auto parsed = parse_yaml("base: &b {x: 1}\ncopy: *b\n");
  ASSERT_TRUE(parsed.ok);
  EXPECT_TRUE(parsed.root.entries[1].value.is_mapping());
  EXPECT_EQ(parsed.root.entries[1].value.entries[0].value.text, "1");
}

TEST(YamlTree, AliasBombIsRefused) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char previous = 'a';
  for (char level = 'b'; level <= 'j'; ++level) {
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + previous;
    bomb += "]\n";
    previous = level;
  }
  auto parsed = parse_yaml(bomb);
  ASSERT_FALSE(parsed.ok);
  EXPECT_NE(parsed.failure.message.find("alias bomb"), std::string::npos) << parsed.failure.render();
  EXPECT_GT(parsed.failure.mark.line, 1);
}

TEST(YamlTree, DeepNestingIsRefused) {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  auto parsed = parse_yaml(deep);
  ASSERT_FALSE(parsed.ok);
  EXPECT_NE(parsed.failure.message.find("nested deeper"), std::string::npos);
}

TEST(YamlTree, OversizedInputIsRefusedBeforeParsing) {
  auto parsed = parse_yaml(std::string(20000, 'a'));
  ASSERT_FALSE(parsed.ok);
  EXPECT_NE(parsed.failure.message.find("at most 16384"), std::string::npos);
}

TEST(YamlTree, InvalidUtf8IsAReaderError) {
  auto parsed = parse_yaml("a: \xff\xfe\n");
  ASSERT_FALSE(parsed.ok);
  EXPECT_NE(parsed.failure.message.find("invalid YAML"), std::string::npos);
  EXPECT_EQ(parsed.failure.mark.line, 1);
}

TEST(YamlTree, SecondDocumentIsRefused) {
  auto parsed = parse_yaml("a: 1\n---\nb: 2\n");
  ASSERT_FALSE(parsed.ok);
  EXPECT_NE(parsed.failure.message.find("second YAML document"), std::string::npos);
  EXPECT_EQ(parsed.failure.mark.line, 2);
}

TEST(YamlTree, UndefinedAliasIsAnError) {
  auto parsed = parse_yaml("a: *nothing\n");
  EXPECT_FALSE(parsed.ok);
}

TEST(YamlTree, NulBytesInUserDataAreRefused) {
  std::string text = "#taupage-ami-config\napplication_id: a";
  text += '\0';
  text += "b\n";
  EXPECT_FALSE(read_config(text).config);
}

}  // namespace
}  // namespace taupage
