#include "http/text_metrics.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <vector>

namespace plume::http {
std::string FormatIsoUtc(int64_t ms) {
  // Civil-calendar arithmetic instead of gmtime_r + strftime: lists format one timestamp per row.
  using namespace std::chrono;
  const sys_seconds secs{seconds{ms >= 0 ? ms / 1000 : (ms - 999) / 1000}};
  const sys_days day = floor<days>(secs);
  const year_month_day ymd{day};
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {
    std::time_t t = static_cast<std::time_t>(secs.time_since_epoch().count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[48];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  const hh_mm_ss<seconds> hms{secs - day};
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&out](size_t at, int value, int width) {
    for (int k = width - 1; k >= 0; --k, value /= 10)
      out[at + static_cast<size_t>(k)] = '0' + value % 10;
  };
  put(0, y, 4);
  put(5, static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
  put(8, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
  put(11, static_cast<int>(hms.hours().count()), 2);
  put(14, static_cast<int>(hms.minutes().count()), 2);
  put(17, static_cast<int>(hms.seconds().count()), 2);
  return out;
}

std::optional<int64_t> ParseIsoUtc(std::string_view t) {
  auto num = [&](size_t pos, size_t len, int* out) {
    if (pos + len > t.size()) return false;
    for (size_t k = pos; k < pos + len; ++k) {
      if (t[k] < '0' || t[k] > '9') return false;
    }
    std::from_chars(t.data() + pos, t.data() + pos + len, *out);
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (t.size() < 20 || !num(0, 4, &y) || t[4] != '-' || !num(5, 2, &mo) || t[7] != '-' ||
      !num(8, 2, &d) || t[10] != 'T' || !num(11, 2, &h) || t[13] != ':' || !num(14, 2, &mi) ||
      t[16] != ':' || !num(17, 2, &s)) {
    return std::nullopt;
  }
  size_t pos = 19;
  int ms = 0;
  if (pos < t.size() && t[pos] == '.') {
    size_t digits = 0;
    ++pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      if (digits < 3) ms = ms * 10 + (t[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (size_t k = digits; k < 3; ++k) ms *= 10;
  }
  std::string_view zone = t.substr(pos);
  if (zone != "Z" && zone != "+00:00") return std::nullopt;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  std::time_t secs = timegm(&tm);
  std::tm check{};
  gmtime_r(&secs, &check);
  if (check.tm_mday != d && s != 60) return std::nullopt;  // 2026-02-31 and the like
  return static_cast<int64_t>(secs) * 1000 + ms;
}

}  // namespace plume::http
