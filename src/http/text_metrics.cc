#include "http/text_metrics.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <vector>

namespace plume::http {
std::string FormatIsoUtc(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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
  int y, mo, d, h, mi, s;
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
