#include "util/strings.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(Strings, SplitKeepsEmptyParts) {
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string>{""}));
}

TEST(Strings, TrimRemovesSurroundingWhitespace) {
  EXPECT_EQ(trim("  x y \t\r\n"), "x y");
  EXPECT_EQ(trim("   "), "");
}

TEST(Strings, ParseUintRejectsSignsAndOverflow) {
  EXPECT_EQ(parse_uint("8080"), 8080u);
  EXPECT_FALSE(parse_uint("-1"));
  EXPECT_FALSE(parse_uint("12a"));
  EXPECT_FALSE(parse_uint("99999999999999999999"));
  EXPECT_FALSE(parse_uint(""));
}

TEST(Strings, EditDistanceCountsAdjacentSwapAsOne) {
  EXPECT_EQ(edit_distance("upd", "udp"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Strings, ClosestMatchSuggestsOnlyLikelyTypos) {
  EXPECT_EQ(closest_match("upd", {"tcp", "udp"}), "udp");
  EXPECT_EQ(closest_match("aplication_id", {"application_id", "source"}), "application_id");
  EXPECT_EQ(closest_match("completely_else", {"application_id", "source"}), "");
  // Far longer or shorter than every candidate: none, whatever the letters.
  EXPECT_EQ(closest_match("health_c" + std::string(2000, ']') + "heck_path", {"health_check_path", "source"}), "");
  EXPECT_EQ(closest_match("id", {"application_id"}), "");
  // Within reach by length, the nearest still wins (a third of the longer word may differ).
  EXPECT_EQ(closest_match("applicationid_x", {"application_id", "source"}), "application_id");
}

TEST(Strings, QuotedEscapesLikeJson) {
  EXPECT_EQ(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(quote(std::string("\x01", 1)), "\"\\u0001\"");
}

TEST(Strings, StrfmtFormats) { EXPECT_EQ(strfmt("%s=%d", "x", 42), "x=42"); }

}  // namespace
}  // namespace taupage
