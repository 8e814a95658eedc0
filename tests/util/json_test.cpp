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

TEST(Json, IntegersAreExactAndBeyondInt64Refused) {
  // 2^53 + 1 and the fuzzer's 9000000001000000000 have no double of their own.
  const char* exact = "[9007199254740993,9000000001000000000,-9223372036854775808,9223372036854775807,-0,0]";
  auto ints = parse_json(exact);
  ASSERT_TRUE(ints) << ints.error().message();
  EXPECT_EQ((*ints)[0].as_int(), 9007199254740993LL);
  EXPECT_EQ((*ints)[1].as_int(), 9000000001000000000LL);
  EXPECT_EQ((*ints)[2].as_int(), INT64_MIN);
  EXPECT_EQ((*ints)[3].as_int(), INT64_MAX);
  EXPECT_EQ(ints->dump(), "[9007199254740993,9000000001000000000,-9223372036854775808,9223372036854775807,0,0]");
  EXPECT_EQ(Json(int64_t{9007199254740993}).dump(), "9007199254740993");
  EXPECT_EQ(Json(uint64_t{9000000001000000000u}).dump(), "9000000001000000000");
  for (const char* beyond : {"9223372036854775808", "[-9223372036854775809]", "99999999999999999999"}) {
    auto result = parse_json(beyond);
    ASSERT_FALSE(result) << beyond;
    EXPECT_NE(result.error().message().find("beyond the 64-bit integer range"), std::string::npos) << result.error().message();
  }
  // A fraction or an exponent says "approximate": a double, as before.
  auto big = parse_json("[1e20,-1E20,9.2233720368547758e18,2.5]");
  ASSERT_TRUE(big) << big.error().message();
  EXPECT_DOUBLE_EQ((*big)[0].as_number(), 1e20);
  EXPECT_EQ((*big)[0].as_int(), INT64_MAX);
  EXPECT_EQ((*big)[1].as_int(), INT64_MIN);
  EXPECT_EQ(big->dump(), "[1e+20,-1e+20,9.22337203685478e+18,2.5]");
  for (const char* huge : {"2777771e87777772", "-1e400", "[1e309]"}) {  // found by the JSON fuzzer: dumped as "inf"
    auto result = parse_json(huge);
    ASSERT_FALSE(result) << huge;
    EXPECT_NE(result.error().message().find("out of range"), std::string::npos) << result.error().message();
  }
}

TEST(Json, RefusesLeadingZeros) {
  for (const char* bad : {"00", "0001", "01.5", "-01", "[1,00]", "{\"a\":-00.5}", "007e1"}) {
    auto result = parse_json(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_NE(result.error().message().find("leading zero"), std::string::npos) << bad << ": " << result.error().message();
  }
  for (const char* good : {"0", "-0", "0.5", "-0.05", "0e3", "10", "100.001", "[0,0]"}) {
    EXPECT_TRUE(parse_json(good)) << good;
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
