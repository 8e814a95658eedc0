#include "util/base64.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(Base64, RoundTripsEveryLengthModuloThree) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto decoded = base64_decode(base64_encode(s));
    if (s.empty()) {
      EXPECT_FALSE(decoded);  // empty text is not a value
      continue;
    }
    ASSERT_TRUE(decoded) << s;
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  std::string binary("\x00\xff\x10", 3);
  EXPECT_EQ(*base64_decode(base64_encode(binary)), binary);
}

TEST(Base64, ProblemsAreNamed) {
  EXPECT_EQ(base64_problem("Zm9vYmFy"), "");
  EXPECT_NE(base64_problem("Zm9vYmF").find("multiple of 4"), std::string::npos);
  EXPECT_NE(base64_problem("Zm9v...").find("'.'"), std::string::npos);
  EXPECT_NE(base64_problem("Zm=vYmFy").find("padding in the middle"), std::string::npos);
  EXPECT_NE(base64_problem("Z===").find("more than two"), std::string::npos);
}

}  // namespace
}  // namespace taupage
