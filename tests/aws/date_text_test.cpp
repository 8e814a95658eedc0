// The dates AWS sends and we send, read and written by our own UTC code, judged by glibc's
// strptime, timegm, gmtime_r and strftime (the tests link the C library dynamically): the
// HTTP Date header (clock skew), IMDS credential expiry times, X-Amz-Date and report times.
#include <gtest/gtest.h>
#include <time.h>

#include <string>
#include <vector>

#include "aws/aws_service.h"
#include "aws/imds.h"
#include "aws/sigv4.h"
#include "util/clock.h"

namespace taupage {
namespace {

// What the strptime-based readers returned: the time when the whole text matched.
std::optional<int64_t> glibc_read(const std::string& text, const char* format, bool fraction_and_z) {
  tm parts{};
  const char* end = strptime(text.c_str(), format, &parts);
  if (!end) return std::nullopt;
  if (fraction_and_z) {
    if (*end == '.') {
      ++end;
      while (*end >= '0' && *end <= '9') ++end;
    }
    if (std::string(end) != "Z") return std::nullopt;
  } else if (*end != '\0') {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&parts));
}

const std::vector<std::string> kHttpDates = {"Sun, 06 Nov 1994 08:49:37 GMT",
                                             "Thu, 26 Nov 2026 15:44:16 GMT",
                                             "Tue, 19 Jan 2038 03:14:08 GMT",
                                             "Mon, 29 Feb 2100 00:00:00 GMT",  // no such day: counts on into March
                                             "Sat, 31 Dec 2016 23:59:60 GMT",  // a leap second
                                             "Thursday, 26 November 2026 15:44:16 GMT",
                                             "thu, 26 nov 2026 15:44:16 GMT",
                                             "Thu,26 Nov 2026 15:44:16 GMT",
                                             "Thu,  6 Nov 2026  5:04:03 GMT",
                                             "Thu, 6 Nov 2026 5:4:3 GMT",
                                             "Thu, 26 Nov 2026 15:44:16 UTC",
                                             "Thu, 26 Nov 2026 15:44:16",
                                             "Thu, 26 Nov 2026 15:44:16 GMT ",
                                             "Thu, 26 Nov 2026 24:00:00 GMT",
                                             "Thu, 26 Nov 2026 15:60:00 GMT",
                                             "Thu, 26 Nov 2026 15:44:62 GMT",
                                             "Thu, 32 Nov 2026 15:44:16 GMT",
                                             "Thu, 00 Nov 2026 15:44:16 GMT",
                                             "Thu, 26 Nox 2026 15:44:16 GMT",
                                             "Thx, 26 Nov 2026 15:44:16 GMT",
                                             "Thu 26 Nov 2026 15:44:16 GMT",
                                             "Thu, 26 Nov 20261 15:44:16 GMT",
                                             "Thu, 26 Nov 99 15:44:16 GMT",
                                             "Thu, 261 Nov 2026 15:44:16 GMT",
                                             "",
                                             "GMT",
                                             "Thu, 26 Nov 2026 15:44:16 GMTX",
                                             "Thu, 26 Nov 2026 15:44:16 gmt",
                                             "Thu, 4 Nov 2026 15:44:16 GMT",
                                             "Thu, 41 Nov 2026 15:44:16 GMT"};

TEST(DateText, HttpDateReadsAsStrptimeAndTimegmDid) {
  for (const auto& text : kHttpDates) {
    EXPECT_EQ(parse_http_date(text), glibc_read(text, "%a, %d %b %Y %H:%M:%S GMT", false)) << "'" << text << "'";
  }
  EXPECT_EQ(parse_http_date("Thu, 26 Nov 2026 15:44:16 GMT"), 1795707856);
}

const std::vector<std::string> kIsoTimes = {"2026-11-26T15:44:16Z",
                                            "2026-11-26T15:44:16.123456Z",
                                            "2026-11-26T15:44:16.Z",
                                            "1970-01-01T00:00:00Z",
                                            "1969-12-31T23:59:59Z",
                                            "2038-01-19T03:14:08Z",
                                            "2000-02-29T12:00:00Z",
                                            "2023-02-29T12:00:00Z",
                                            "2026-1-2T3:4:5Z",
                                            "2026-11-26T15:44:16",
                                            "2026-11-26T15:44:16+00:00",
                                            "2026-11-26 15:44:16Z",
                                            "2026-11-26t15:44:16Z",
                                            "2026-13-26T15:44:16Z",
                                            "2026-11-26T15:44:16z",
                                            "2026-11-26T15:44:16.5.5Z",
                                            "20261-11-26T15:44:16Z",
                                            " 2026-11-26T15:44:16Z",
                                            "2026- 11-26T15:44:16Z",
                                            "",
                                            "Z"};

TEST(DateText, Iso8601ReadsAsStrptimeAndTimegmDid) {
  for (const auto& text : kIsoTimes) {
    EXPECT_EQ(parse_iso8601_utc(text), glibc_read(text, "%Y-%m-%dT%H:%M:%S", true)) << "'" << text << "'";
  }
  EXPECT_EQ(parse_iso8601_utc("2038-01-19T03:14:08Z"), 2147483648);
}

std::string glibc_format(int64_t seconds, const char* format) {
  time_t t = static_cast<time_t>(seconds);
  tm parts{};
  gmtime_r(&t, &parts);
  char buffer[64];
  strftime(buffer, sizeof buffer, format, &parts);
  return buffer;
}

TEST(DateText, WrittenAsStrftimeWroteThem) {
  for (int64_t seconds : {0LL, 1440938160LL, 951825600LL, 1795707856LL, 2147483647LL, 2147483648LL, 4107542400LL, 253402300799LL}) {
    EXPECT_EQ(amz_date(seconds), glibc_format(seconds, "%Y%m%dT%H%M%SZ"));
    EXPECT_EQ(iso8601_utc(seconds), glibc_format(seconds, "%Y-%m-%dT%H:%M:%SZ"));
  }
  EXPECT_EQ(amz_date(1440938160), "20150830T123600Z");
}

}  // namespace
}  // namespace taupage
