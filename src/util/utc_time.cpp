#include "util/utc_time.h"

#include <array>

namespace taupage {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// The Gregorian calendar repeats every 400 years, which are 146097 days.
constexpr int64_t kDaysPer400Years = 146097;
// Days from 0000-03-01 to 1970-01-01: the arithmetic below counts years from March, so that
// the leap day is the last day of its year.
constexpr int64_t kEpochFromYear0March = 719468;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Day of a March-based year (0 = March 1) at which month `m` (1-12) starts.
int march_day_of_month(int m) {
  int from_march = m > 2 ? m - 3 : m + 9;
  return (153 * from_march + 2) / 5;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ignoring_case(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (lower(text[i]) != lower(word[i])) return false;
  }
  return true;
}

// The longest full or three-letter name that `text` starts with; its index.
template <size_t N>
std::optional<int> read_name(std::string_view& text, const std::array<std::string_view, N>& names) {
  int found = -1;
  size_t length = 0;
  for (size_t i = 0; i < N; ++i) {
    for (std::string_view candidate : {names[i], names[i].substr(0, 3)}) {
      if (candidate.size() > length && starts_with_ignoring_case(text, candidate)) {
        found = static_cast<int>(i);
        length = candidate.size();
      }
    }
  }
  if (found < 0) return std::nullopt;
  text.remove_prefix(length);
  return found;
}

constexpr std::array<std::string_view, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                      "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

}  // namespace

int64_t days_from_civil(int64_t year, int month, int day) {
  int64_t y = month <= 2 ? year - 1 : year;  // the March-based year
  int64_t era = floor_div(y, 400);
  int64_t year_of_era = y - era * 400;  // 0-399
  int64_t day_of_year = march_day_of_month(month) + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * kDaysPer400Years + day_of_era - kEpochFromYear0March;
}

UtcTime civil_from_days(int64_t days) {
  int64_t shifted = days + kEpochFromYear0March;
  int64_t era = floor_div(shifted, kDaysPer400Years);
  int64_t day_of_era = shifted - era * kDaysPer400Years;  // 0-146096
  // Years of the era: take out the leap days before dividing by 365 (the last day of the era
  // and of each century and four-year cycle would otherwise start a new year).
  int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (year_of_era * 365 + year_of_era / 4 - year_of_era / 100);  // 0-365
  int month_from_march = static_cast<int>((5 * day_of_year + 2) / 153);                          // 0-11
  UtcTime out;
  out.day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  out.month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  out.year = era * 400 + year_of_era + (out.month <= 2 ? 1 : 0);
  return out;
}

UtcTime utc_from_unix(int64_t unix_seconds) {
  int64_t days = floor_div(unix_seconds, kSecondsPerDay);
  int64_t in_day = unix_seconds - days * kSecondsPerDay;
  UtcTime out = civil_from_days(days);
  out.hour = static_cast<int>(in_day / 3600);
  out.minute = static_cast<int>(in_day / 60 % 60);
  out.second = static_cast<int>(in_day % 60);
  return out;
}

int64_t unix_from_utc(const UtcTime& time) {
  return days_from_civil(time.year, time.month, time.day) * kSecondsPerDay + int64_t{time.hour} * 3600 + int64_t{time.minute} * 60 +
         time.second;
}

void utc_to_tm(int64_t unix_seconds, struct tm& out) {
  UtcTime t = utc_from_unix(unix_seconds);
  int64_t days = floor_div(unix_seconds, kSecondsPerDay);
  out = {};
  out.tm_year = static_cast<int>(t.year - 1900);
  out.tm_mon = t.month - 1;
  out.tm_mday = t.day;
  out.tm_hour = t.hour;
  out.tm_min = t.minute;
  out.tm_sec = t.second;
  int64_t weekday = (days + 4) % 7;  // 1970-01-01 was a Thursday (4)
  out.tm_wday = static_cast<int>(weekday < 0 ? weekday + 7 : weekday);
  out.tm_yday = static_cast<int>(days - days_from_civil(t.year, 1, 1));
  out.tm_isdst = 0;
  out.tm_gmtoff = 0;
  out.tm_zone = "GMT";
}

std::optional<int> read_number_field(std::string_view& text, int min, int max, int max_digits) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  int value = 0;
  int digits = 0;
  do {
    value = value * 10 + (text.front() - '0');
    text.remove_prefix(1);
    ++digits;
  } while (digits < max_digits && value * 10 <= max && !text.empty() && text.front() >= '0' && text.front() <= '9');
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::optional<int> read_month_name(std::string_view& text) {
  auto index = read_name(text, kMonths);
  if (!index) return std::nullopt;
  return *index + 1;
}

std::optional<int> read_weekday_name(std::string_view& text) { return read_name(text, kWeekdays); }

bool read_literal(std::string_view& text, std::string_view literal) {
  for (char c : literal) {
    if (is_space(c)) {
      while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
      continue;
    }
    if (text.empty() || text.front() != c) return false;
    text.remove_prefix(1);
  }
  return true;
}

}  // namespace taupage
