// The UTC calendar: known dates (the epoch, leap days of 1600 and 2000, the years 1900 and 2100
// that skip theirs, the 32-bit rollover of 2038, month and year ends), every day of 1600-2600
// against glibc's gmtime_r and timegm (the tests build against the C library dynamically, so it
// can judge), and the strptime-like field readers.
#include "util/utc_time.h"

#include <gtest/gtest.h>
#include <time.h>

namespace taupage {
namespace {

struct KnownDate {
  UtcTime time;
  int64_t unix_seconds;
};

const KnownDate kKnown[] = {
    {{1970, 1, 1, 0, 0, 0}, 0},
    {{1969, 12, 31, 23, 59, 59}, -1},
    {{2000, 2, 29, 12, 0, 0}, 951825600},
    {{2000, 3, 1, 0, 0, 0}, 951868800},
    {{1900, 2, 28, 0, 0, 0}, -2203977600},
    {{1900, 3, 1, 0, 0, 0}, -2203891200},
    {{2038, 1, 19, 3, 14, 7}, 2147483647},
    {{2038, 1, 19, 3, 14, 8}, 2147483648},
    {{2100, 2, 28, 23, 59, 59}, 4107542399},
    {{2100, 3, 1, 0, 0, 0}, 4107542400},
    {{2024, 12, 31, 23, 59, 59}, 1735689599},
    {{1600, 2, 29, 0, 0, 0}, -11670998400},
    {{9999, 12, 31, 23, 59, 59}, 253402300799},
    {{2026, 11, 26, 15, 44, 16}, 1795707856},
};

void expect_same(const UtcTime& a, const UtcTime& b) {
  EXPECT_EQ(a.year, b.year);
  EXPECT_EQ(a.month, b.month);
  EXPECT_EQ(a.day, b.day);
  EXPECT_EQ(a.hour, b.hour);
  EXPECT_EQ(a.minute, b.minute);
  EXPECT_EQ(a.second, b.second);
}

TEST(UtcTime, KnownDatesBothWays) {
  for (const auto& known : kKnown) {
    SCOPED_TRACE(known.unix_seconds);
    EXPECT_EQ(unix_from_utc(known.time), known.unix_seconds);
    expect_same(utc_from_unix(known.unix_seconds), known.time);
  }
}

TEST(UtcTime, MonthEnds) {
  const int lengths_2023[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int year : {2023, 2024}) {
    for (int month = 1; month <= 12; ++month) {
      int length = lengths_2023[month - 1] + (year == 2024 && month == 2 ? 1 : 0);
      UtcTime last = civil_from_days(days_from_civil(year, month, length));
      EXPECT_EQ(last.month, month);
      EXPECT_EQ(last.day, length);
      UtcTime next = civil_from_days(days_from_civil(year, month, length) + 1);
      EXPECT_EQ(next.day, 1);
      EXPECT_EQ(next.month, month == 12 ? 1 : month + 1);
      EXPECT_EQ(next.year, month == 12 ? year + 1 : year);
    }
  }
}

TEST(UtcTime, DayPastTheMonthCountsOnAsTimegmDoes) {
  EXPECT_EQ(days_from_civil(2023, 2, 29), days_from_civil(2023, 3, 1));
  EXPECT_EQ(days_from_civil(2024, 2, 31), days_from_civil(2024, 3, 2));
  EXPECT_EQ(unix_from_utc({2024, 12, 31, 23, 59, 60}), unix_from_utc({2025, 1, 1, 0, 0, 0}));
}

TEST(UtcTime, EveryDayOf1600To2600AgreesWithGlibc) {
  int64_t first = days_from_civil(1600, 1, 1);
  int64_t last = days_from_civil(2600, 12, 31);
  ASSERT_EQ(last - first + 1,
            365 * 1001 + 243);  // 243 leap days: 251 years divisible by 4, less 1700, 1800, 1900, 2100, 2200, 2300, 2500, 2600
  for (int64_t day = first; day <= last; ++day) {
    int64_t seconds = day * 86400 + 12345;
    time_t t = static_cast<time_t>(seconds);
    tm parts{};
    ASSERT_NE(gmtime_r(&t, &parts), nullptr);
    UtcTime ours = utc_from_unix(seconds);
    ASSERT_EQ(ours.year, parts.tm_year + 1900) << seconds;
    ASSERT_EQ(ours.month, parts.tm_mon + 1) << seconds;
    ASSERT_EQ(ours.day, parts.tm_mday) << seconds;
    ASSERT_EQ(ours.hour * 3600 + ours.minute * 60 + ours.second, 12345);
    ASSERT_EQ(unix_from_utc(ours), static_cast<int64_t>(timegm(&parts))) << seconds;
  }
}

TEST(UtcTime, SecondsAroundMidnightAndBeforeTheEpoch) {
  for (int64_t seconds : {-86401LL, -86400LL, -86399LL, -1LL, 0LL, 1LL, 86399LL, 86400LL, 4107542399LL, 253402300799LL}) {
    time_t t = static_cast<time_t>(seconds);
    tm parts{};
    ASSERT_NE(gmtime_r(&t, &parts), nullptr);
    expect_same(utc_from_unix(seconds), {parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec});
  }
}

TEST(UtcTime, TmFieldsAsGmtimeFillsThem) {
  for (int64_t seconds = -5000000000; seconds < 260000000000; seconds += 7777777) {
    time_t t = static_cast<time_t>(seconds);
    tm glibc{};
    ASSERT_NE(gmtime_r(&t, &glibc), nullptr);
    tm ours{};
    utc_to_tm(seconds, ours);
    ASSERT_EQ(ours.tm_year, glibc.tm_year) << seconds;
    ASSERT_EQ(ours.tm_mon, glibc.tm_mon) << seconds;
    ASSERT_EQ(ours.tm_mday, glibc.tm_mday) << seconds;
    ASSERT_EQ(ours.tm_hour, glibc.tm_hour) << seconds;
    ASSERT_EQ(ours.tm_min, glibc.tm_min) << seconds;
    ASSERT_EQ(ours.tm_sec, glibc.tm_sec) << seconds;
    ASSERT_EQ(ours.tm_wday, glibc.tm_wday) << seconds;
    ASSERT_EQ(ours.tm_yday, glibc.tm_yday) << seconds;
    ASSERT_EQ(ours.tm_isdst, glibc.tm_isdst) << seconds;
    ASSERT_EQ(ours.tm_gmtoff, glibc.tm_gmtoff) << seconds;
    ASSERT_STREQ(ours.tm_zone, glibc.tm_zone) << seconds;
  }
}

TEST(UtcTimeFields, NumberFieldReadsLikeStrptime) {
  std::string_view in = "  7:";
  EXPECT_EQ(read_number_field(in, 0, 23, 2), 7);
  EXPECT_EQ(in, ":");
  in = "123";  // two digits at most
  EXPECT_EQ(read_number_field(in, 0, 99, 2), 12);
  EXPECT_EQ(in, "3");
  in = "35";  // two digits, past 31: refused
  EXPECT_EQ(read_number_field(in, 1, 31, 2), std::nullopt);
  in = "41";  // 40 would pass 31 already: one digit
  EXPECT_EQ(read_number_field(in, 1, 31, 2), 4);
  EXPECT_EQ(in, "1");
  in = "20261";
  EXPECT_EQ(read_number_field(in, 0, 9999, 4), 2026);
  in = "x1";
  EXPECT_EQ(read_number_field(in, 0, 9, 1), std::nullopt);
  in = "0";
  EXPECT_EQ(read_number_field(in, 1, 31, 2), std::nullopt);
}

TEST(UtcTimeFields, NamesFullOrAbbreviatedInAnyCase) {
  std::string_view in = "Sep 2026";
  EXPECT_EQ(read_month_name(in), 9);
  EXPECT_EQ(in, " 2026");
  in = "september";
  EXPECT_EQ(read_month_name(in), 9);
  EXPECT_TRUE(in.empty());
  in = "Sept";  // "Sep", then "t" is left for the next field
  EXPECT_EQ(read_month_name(in), 9);
  EXPECT_EQ(in, "t");
  in = "Foo";
  EXPECT_EQ(read_month_name(in), std::nullopt);
  in = "THU,";
  EXPECT_EQ(read_weekday_name(in), 4);
  EXPECT_EQ(in, ",");
  in = "Sunday";
  EXPECT_EQ(read_weekday_name(in), 0);
}

TEST(UtcTimeFields, LiteralSpaceMatchesAnyRunOfSpaceEvenNone) {
  std::string_view in = ",   x";
  EXPECT_TRUE(read_literal(in, ", "));
  EXPECT_EQ(in, "x");
  in = ",x";
  EXPECT_TRUE(read_literal(in, ", "));
  in = ";x";
  EXPECT_FALSE(read_literal(in, ", "));
}

}  // namespace
}  // namespace taupage
