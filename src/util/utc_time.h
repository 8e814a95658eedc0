/// UTC calendar arithmetic and the number and name fields of fixed date formats, without the C
/// library's time functions: gmtime_r, timegm, strftime and strptime go through tzset and sscanf
/// and would bring about 120 KB of time zone, locale and scanf code into the static binary.
#pragma once

#include <time.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace taupage {

// A time of day on a date of the proleptic Gregorian calendar, in UTC.
struct UtcTime {
  int64_t year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// Days since 1970-01-01 of a date. `month` must be 1-12; a day past the month's end counts on
// into the next month (February 30 is March 1 or 2), as timegm does.
int64_t days_from_civil(int64_t year, int month, int day);
// The date `days` after 1970-01-01 (negative: before).
UtcTime civil_from_days(int64_t days);

UtcTime utc_from_unix(int64_t unix_seconds);
// Hours, minutes and seconds beyond their range count on, as timegm does (23:59:60 is the next
// day's 00:00:00).
int64_t unix_from_utc(const UtcTime& time);
// Every field of `out` as gmtime_r fills it (weekday, day of the year, "GMT"); the replacement
// of gmtime_r that the static binary links for mbedTLS (src/static_replacements.cpp).
void utc_to_tm(int64_t unix_seconds, struct tm& out);

// Readers for date text, each the way glibc's strptime reads the matching conversion, so that
// our parsers accept exactly what they accepted with strptime. On success they consume what
// they read from `text`; on failure `text` is left somewhere inside and the caller gives up.
//
// A decimal field: white space first, then at most `max_digits` digits (fewer when one more
// digit would pass `max`), and the value must lie within [min, max] (%d, %m, %Y, %H, %M, %S).
std::optional<int> read_number_field(std::string_view& text, int min, int max, int max_digits);
// An English month name, full or abbreviated, any case (%b): 1-12.
std::optional<int> read_month_name(std::string_view& text);
// An English weekday name, full or abbreviated, any case (%a): 0 (Sunday) to 6.
std::optional<int> read_weekday_name(std::string_view& text);
// A literal of the format: one white space character in the format matches any run of white
// space (also none); any other character must be there exactly.
bool read_literal(std::string_view& text, std::string_view literal);

}  // namespace taupage
