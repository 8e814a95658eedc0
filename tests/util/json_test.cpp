#include "util/json.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(Json, BuildsAndDumpsInInsertionOrder) {
  Json o = Json::object();
  o.set("b", 1);
  o.set("a", "x\"y");
  Json list = Json::array();
  list.push(true);
  list.push(nullptr);
  list.push(1.5);
  o.set("list", std::move(list));
  EXPECT_EQ(o.dump(), "{\"b\":1,\"a\":\"x\\\"y\",\"list\":[true,null,1.5]}");
  o.set("b", 2);
  EXPECT_EQ(o.get("b").as_int(), 2);
}

TEST(Json, ParsesWhatItDumps) {
  auto parsed = parse_json("{\"a\": [1, -2.5e1, \"\\u00e9\\n\", {\"b\": false}], \"c\": null}");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->get("a")[0].as_int(), 1);
  EXPECT_DOUBLE_EQ(parsed->get("a")[1].as_number(), -25);
  EXPECT_EQ(parsed->get("a")[2].as_string(), "\xc3\xa9\n");
  EXPECT_FALSE(parsed->get("a")[3].get("b").as_bool());
  EXPECT_TRUE(parsed->get("c").is_null());
  EXPECT_TRUE(parsed->get("missing").is_null());
  auto again = parse_json(parsed->dump());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->dump(), parsed->dump());
}

TEST(Json, NumbersBeyondInt64BecomeDoublesAndBeyondDoubleAreRefused) {
  auto big = parse_json("[99999999999999999999, -99999999999999999999, 9223372036854775807]");
  ASSERT_TRUE(big) << big.error().message();
  EXPECT_DOUBLE_EQ((*big)[0].as_number(), 1e20);  // not clamped to INT64_MAX
  EXPECT_DOUBLE_EQ((*big)[1].as_number(), -1e20);
  EXPECT_EQ((*big)[0].as_int(), INT64_MAX);
  EXPECT_EQ((*big)[1].as_int(), INT64_MIN);
  EXPECT_EQ(big->dump(), "[1e+20,-1e+20,9.2233720368547758e+18]");  // kept as a double: no wrap to negative
  for (const char* huge : {"2777771e87777772", "-1e400", "[1e309]"}) {  // found by the JSON fuzzer: dumped as "inf"
    auto result = parse_json(huge);
    ASSERT_FALSE(result) << huge;
    EXPECT_NE(result.error().message().find("out of range"), std::string::npos) << result.error().message();
  }
}

TEST(Json, RejectsMalformedAndHostileInput) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "01x", "[1] 2", "\"\\x\"", "{\"a\":1,}"}) {
    EXPECT_FALSE(parse_json(bad)) << bad;
  }
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  auto result = parse_json(deep);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("nested too deeply"), std::string::npos);
  EXPECT_FALSE(parse_json("[1]", JsonLimits{2, 64}));
}

}  // namespace
}  // namespace taupage
