#include "util/text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace plume::util {
namespace {

// Decodes one code point at text[i]; returns its length in bytes, or 0 when malformed.
size_t DecodeUtf8(std::string_view text, size_t i, char32_t* cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const size_t n = text.size() - i;
  unsigned char c0 = b(0);
  if (c0 < 0x80) {
    *cp = c0;
    return 1;
  }
  auto cont = [&](size_t k) { return k < n && (b(k) & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (!cont(1)) return 0;
    *cp = (char32_t{c0} & 0x1F) << 6 | (b(1) & 0x3F);
    return 2;
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    char32_t v = (char32_t{c0} & 0x0F) << 12 | (char32_t{b(1)} & 0x3F) << 6 | (b(2) & 0x3F);
    if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return 3;
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    char32_t v = (char32_t{c0} & 0x07) << 18 | (char32_t{b(1)} & 0x3F) << 12 |
                 (char32_t{b(2)} & 0x3F) << 6 | (b(3) & 0x3F);
    if (v < 0x10000 || v > 0x10FFFF) return 0;
    *cp = v;
    return 4;
  }
  return 0;
}

bool IsSpace(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || cp == 0x202F || cp == 0x2009 || cp == 0x2007;
}

// Appends `text` to the empty *out with runs of white space collapsed into one ASCII space, both
// ends trimmed and invalid bytes replaced by U+FFFD; stops before going over `max_chars` code
// points. Returns false when it stopped there (something was left out).
bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool AppendCollapsed(std::string_view text, size_t max_chars, std::string* out) {
  size_t chars = 0;
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80 && !IsAsciiSpace(c)) {
      // A run of ASCII that is not white space, appended at once (the inbox list runs this on
      // every message of a page).
      size_t end = i + 1;
      while (end < text.size() && static_cast<unsigned char>(text[end]) < 0x80 &&
             !IsAsciiSpace(static_cast<unsigned char>(text[end]))) {
        ++end;
      }
      const size_t space = pending_space ? 1 : 0;
      if (chars + space + 1 > max_chars) return false;
      const size_t room = max_chars - chars - space;
      const size_t take = std::min(end - i, room);
      if (pending_space) out->push_back(' ');
      pending_space = false;
      out->append(text.data() + i, take);
      chars += space + take;
      if (take < end - i) return false;
      i = end;
      continue;
    }
    size_t len = 1;
    bool space = true;
    if (c >= 0x80) {
      char32_t cp = 0;
      len = DecodeUtf8(text, i, &cp);
      space = len != 0 && IsSpace(cp);
    }
    if (space) {
      pending_space = !out->empty();
      i += len == 0 ? 1 : len;
      continue;
    }
    const size_t needed = (pending_space ? 1 : 0) + 1;
    if (chars + needed > max_chars) return false;
    if (pending_space) out->push_back(' ');
    pending_space = false;
    if (len == 0) {
      out->append("\xEF\xBF\xBD");  // U+FFFD for an invalid byte
      len = 1;
    } else {
      out->append(text.data() + i, len);  // a valid sequence as it is
    }
    i += len;
    chars += needed;
  }
  return true;
}

template <typename Fn>
std::string MapCodePoints(std::string_view text, Fn fn) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    fn(cp, &out);
    i += len;
  }
  return out;
}

}  // namespace

void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // ASCII runs 8 bytes at a time: most text, and the inbox list checks every field it writes.
    uint64_t chunk = 0;
    while (i + sizeof(chunk) <= text.size()) {
      std::memcpy(&chunk, text.data() + i, sizeof(chunk));
      if ((chunk & 0x8080808080808080ULL) != 0) break;
      i += sizeof(chunk);
    }
    if (i == text.size()) break;
    char32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string NormalizeSpace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendCollapsed(text, SIZE_MAX, &out);
  return out;
}

std::string_view Trim(std::string_view text) {
  const char* ws = " \t\r\n\f\v";
  size_t b = text.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = text.find_last_not_of(ws);
  return text.substr(b, e - b + 1);
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

size_t CodePointCount(std::string_view text) {
  size_t n = 0;
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    i += len ? len : 1;
    ++n;
  }
  return n;
}

std::u32string DecodeCodePoints(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    out.push_back(len ? cp : static_cast<char32_t>(0xDC00 + static_cast<unsigned char>(text[i])));
    i += len ? len : 1;
  }
  return out;
}

int64_t EditDistance(std::string_view a, std::string_view b) {
  std::u32string x_all = DecodeCodePoints(a);
  std::u32string y_all = DecodeCodePoints(b);
  // Common prefix and suffix cost nothing: a local edit of a long reply stays cheap.
  size_t start = 0;
  while (start < x_all.size() && start < y_all.size() && x_all[start] == y_all[start]) ++start;
  size_t end_x = x_all.size(), end_y = y_all.size();
  while (end_x > start && end_y > start && x_all[end_x - 1] == y_all[end_y - 1]) {
    --end_x;
    --end_y;
  }
  std::u32string_view x(x_all.data() + start, end_x - start);
  std::u32string_view y(y_all.data() + start, end_y - start);
  if (x.size() < y.size()) std::swap(x, y);  // one row of the shorter length
  std::vector<int64_t> row(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) row[j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= x.size(); ++i) {
    int64_t diagonal = row[0];
    row[0] = static_cast<int64_t>(i);
    for (size_t j = 1; j <= y.size(); ++j) {
      int64_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[y.size()];
}

std::string Excerpt(std::string_view text, size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), 4 * max_chars) + 3);
  if (!AppendCollapsed(text, max_chars, &out)) out += "\u2026";  // …
  return out;
}

std::string_view TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

char32_t LowerLatinExtendedA(char32_t cp) {
  if (cp == 0x178) return 0xFF;  // Ÿ -> ÿ
  // Upper case is even in U+0100..U+0137 and U+014A..U+0177 (İ U+0130 has no pair here), odd in
  // U+0139..U+0148 and U+0179..U+017E.
  bool even_upper = (cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177);
  bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
  if ((even_upper && cp % 2 == 0 && cp != 0x130) || (odd_upper && cp % 2 == 1)) return cp + 1;
  return cp;
}

std::string ToLowerFrench(std::string_view text) {
  return MapCodePoints(text, [](char32_t cp, std::string* out) {
    if (cp >= 'A' && cp <= 'Z') {
      cp += 32;
    } else if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) {
      cp += 32;
    } else if (cp >= 0x100 && cp <= 0x17F) {
      cp = LowerLatinExtendedA(cp);
    }
    AppendUtf8(out, cp);
  });
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FoldAccents(std::string_view text) {
  return MapCodePoints(text, [](char32_t cp, std::string* out) {
    switch (cp) {
      case 0xE0:
      case 0xE1:
      case 0xE2:
      case 0xE3:
      case 0xE4:
      case 0xE5:
        out->push_back('a');
        return;
      case 0xE7:
        out->push_back('c');
        return;
      case 0xE8:
      case 0xE9:
      case 0xEA:
      case 0xEB:
        out->push_back('e');
        return;
      case 0xEC:
      case 0xED:
      case 0xEE:
      case 0xEF:
        out->push_back('i');
        return;
      case 0xF1:
        out->push_back('n');
        return;
      case 0xF2:
      case 0xF3:
      case 0xF4:
      case 0xF5:
      case 0xF6:
        out->push_back('o');
        return;
      case 0xF9:
      case 0xFA:
      case 0xFB:
      case 0xFC:
        out->push_back('u');
        return;
      case 0xFD:
      case 0xFF:
        out->push_back('y');
        return;
      case 0xE6:
        out->append("ae");
        return;
      case 0x153:
        out->append("oe");
        return;
      default:
        AppendUtf8(out, cp);
    }
  });
}

}  // namespace plume::util
