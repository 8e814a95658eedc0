// Typed node reading: each kind of value refused the same way wherever a section reads it.
#include "config/node_reader.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

// The value of `key: <text>` in a one-line document.
YamlNode value_of(const std::string& text) {
  YamlParse parsed = parse_yaml("key: " + text + "\n");
  EXPECT_TRUE(parsed.ok) << text;
  return parsed.ok ? parsed.root.entries.at(0).value : YamlNode{};
}

struct Reading {
  Diagnostics diagnostics;
  NodeReader reader{false, diagnostics};
  std::string only_message() const {
    return diagnostics.size() == 1 ? diagnostics[0].message : "(" + std::to_string(diagnostics.size()) + " diagnostics)";
  }
};

TEST(NodeReader, AnIntegerBeyondItsRangeIsRefusedNotWrapped) {
  for (const char* text : {"4294967297", "18446744073709551617", "-1", "0", "1.5", "\"5\""}) {
    Reading r;
    EXPECT_FALSE(r.reader.integer(value_of(text), "$.key", 1, 10, "a number")) << text;
    EXPECT_EQ(r.only_message().rfind("expected a number from 1 to 10, got ", 0), 0u) << r.only_message();
  }
  Reading r;
  EXPECT_EQ(r.reader.integer(value_of("10"), "$.key", 1, 10, "a number"), 10);
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(NodeReader, OnlyYamlBooleansAreBooleans) {
  Reading r;
  EXPECT_EQ(r.reader.boolean(value_of("True"), "$.key"), true);
  EXPECT_EQ(r.reader.boolean(value_of("false"), "$.key"), false);
  EXPECT_FALSE(r.reader.boolean(value_of("\"false\""), "$.key"));
  EXPECT_FALSE(r.reader.boolean(value_of("yes"), "$.key"));
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_NE(r.diagnostics[0].message.find("a quoted \"false\" is a string"), std::string::npos);
  EXPECT_NE(r.diagnostics[1].message.find("write true or false"), std::string::npos);
}

TEST(NodeReader, AnEmptyOptionalBooleanKeepsItsDefault) {
  Reading r;
  bool value = true;
  r.reader.optional_boolean(value_of("\"\""), "$.key", value);
  EXPECT_TRUE(value);
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(NodeReader, APortSpecTakesAProtocolAndSuggestsForATypo) {
  Reading r;
  uint16_t port = 0;
  std::optional<Protocol> protocol;
  EXPECT_TRUE(r.reader.port_spec(value_of("8301/udp"), "$.key", &port, &protocol));
  EXPECT_EQ(port, 8301);
  EXPECT_EQ(protocol, Protocol::Udp);
  EXPECT_FALSE(r.reader.port_spec(value_of("8600/upd"), "$.key", &port, &protocol));
  EXPECT_EQ(r.only_message(), "unknown protocol \"upd\" (did you mean \"udp\"?)");
}

TEST(NodeReader, DuplicateKeysAreRefusedAndTheFirstKept) {
  YamlParse parsed = parse_yaml("a: 1\nb: 2\na: 3\n");
  ASSERT_TRUE(parsed.ok);
  Reading r;
  auto entries = r.reader.entries(parsed.root, "$");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].second->value.text, "1");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].render(), "error at $.a, line 3 col 1: duplicate key \"a\" (first written at line 1)");
}

TEST(NodeReader, AKmsValueIsSplitAndItsBase64Checked) {
  Reading r;
  auto good = r.reader.maybe_encrypted(value_of("aws:kms:AQID"), "$.key");
  ASSERT_TRUE(good);
  EXPECT_TRUE(good->encrypted);
  EXPECT_EQ(good->ciphertext, "AQID");
  auto plain = r.reader.maybe_encrypted(value_of("plain"), "$.key");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->encrypted);
  EXPECT_FALSE(r.reader.maybe_encrypted(value_of("aws:kms:not*base64"), "$.key"));
  EXPECT_NE(r.only_message().find("is not valid base64"), std::string::npos) << r.only_message();
}

TEST(NodeReader, UnknownKeysAreWarningsUnlessStrict) {
  Reading lax;
  lax.reader.unknown_key("$.aplication_id", Mark{2, 1}, "aplication_id", {"application_id"});
  ASSERT_EQ(lax.diagnostics.size(), 1u);
  EXPECT_FALSE(lax.diagnostics[0].is_error());
  EXPECT_EQ(lax.diagnostics[0].message, "unknown key \"aplication_id\" (did you mean \"application_id\"?); ignored");
  Diagnostics diagnostics;
  NodeReader strict(true, diagnostics);
  strict.unknown_key("$.aplication_id", Mark{2, 1}, "aplication_id", {"application_id"});
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_TRUE(diagnostics[0].is_error());
  EXPECT_EQ(diagnostics[0].message, "unknown key \"aplication_id\" (did you mean \"application_id\"?)");
}

}  // namespace
}  // namespace taupage
