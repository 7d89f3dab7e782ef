#include "channels/text_utils.h"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kb/parsers.h"
#include "util/text.h"

namespace plume::channels {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i], or 0 when invalid. NUL is invalid here.
size_t ValidSequenceLength(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 == 0) return 0;
  if (b0 < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlongs
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // <= U+10FFFF
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
  }
  return len;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// A charset label safe to hand to iconv_open: letters, digits and "-_.:" only, short.
bool IsPlausibleCharset(std::string_view cs) {
  if (cs.empty() || cs.size() > 40) return false;
  for (char c : cs) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// Converts with iconv; returns false when the charset is unknown to iconv.
bool IconvToUtf8(std::string_view bytes, const std::string& charset, std::string* out,
                 bool* lossy) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  std::array<char, 8192> buf{};
  // iconv's API takes a non-const input pointer but does not write through it.
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  while (true) {
    char* o = buf.data();
    size_t o_left = buf.size();
    size_t rc = in_left > 0 ? iconv(cd, &in, &in_left, &o, &o_left)
                            : iconv(cd, nullptr, nullptr, &o, &o_left);  // flush state
    out->append(buf.data(), buf.size() - o_left);
    if (rc != static_cast<size_t>(-1)) {
      if (in_left == 0) {
        if (o_left != buf.size()) continue;  // flushed something; flush again until empty
        break;
      }
      continue;
    }
    if (errno == E2BIG) continue;
    // EILSEQ (invalid input) or EINVAL (truncated sequence at the end): replace one byte.
    if (in_left == 0) break;
    out->append(kReplacement);
    if (lossy) *lossy = true;
    ++in;
    --in_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  }
  iconv_close(cd);
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsWroteLine(std::string_view line) {
  return EndsWith(line, "a écrit :") || EndsWith(line, "a écrit:") || EndsWith(line, "wrote:") ||
         EndsWith(line, "a ecrit :") || EndsWith(line, "a ecrit:");
}

bool IsOriginalMessageSeparator(std::string_view line) {
  if (!StartsWith(line, "--")) return false;
  std::string lower = util::ToLowerFrench(line);
  return lower.find("message d'origine") != std::string::npos ||
         lower.find("message d’origine") != std::string::npos ||
         lower.find("original message") != std::string::npos;
}

bool IsHeaderLine(std::string_view line, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (StartsWith(line, n)) {
      std::string_view rest = line.substr(n.size());
      if (StartsWith(rest, ":") || StartsWith(rest, " :")) return true;
    }
  }
  return false;
}

// Removes <tag ...>...</tag> blocks (case-insensitive); an unterminated block removes the rest.
std::string DropElement(std::string_view html, std::string_view tag) {
  std::string lower = AsciiLower(html);
  std::string open = "<" + std::string(tag);
  std::string close = "</" + std::string(tag);
  std::string out;
  size_t pos = 0;
  while (pos < html.size()) {
    size_t start = lower.find(open, pos);
    // Require a tag boundary so that "<header>" does not match "<head".
    while (start != std::string::npos) {
      size_t after = start + open.size();
      if (after >= lower.size()) break;
      char c = lower[after];
      if (c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/') break;
      start = lower.find(open, after);
    }
    if (start == std::string::npos) {
      out.append(html.substr(pos));
      break;
    }
    out.append(html.substr(pos, start - pos));
    size_t end = lower.find(close, start);
    if (end == std::string::npos) break;
    size_t gt = lower.find('>', end);
    if (gt == std::string::npos) break;
    pos = gt + 1;
  }
  return out;
}

std::string DropComments(std::string_view html) {
  std::string out;
  size_t pos = 0;
  while (pos < html.size()) {
    size_t start = html.find("<!--", pos);
    if (start == std::string_view::npos) {
      out.append(html.substr(pos));
      break;
    }
    out.append(html.substr(pos, start - pos));
    size_t end = html.find("-->", start + 4);
    if (end == std::string_view::npos) break;
    pos = end + 3;
  }
  return out;
}

}  // namespace

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t len = ValidSequenceLength(text, i);
    if (len == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string ToUtf8(std::string_view bytes, std::string_view charset, bool* lossy) {
  std::string cs = AsciiLower(util::Trim(charset));
  if (cs.empty() || cs == "us-ascii" || cs == "ascii" || cs == "utf-8" || cs == "utf8") {
    if (util::IsValidUtf8(bytes) && bytes.find('\0') == std::string_view::npos) {
      return std::string(bytes);
    }
    if (cs.empty() || cs == "us-ascii" || cs == "ascii") cs = "windows-1252";  // mislabelled
  }
  std::string out;
  if (cs != "utf-8" && cs != "utf8" && IsPlausibleCharset(cs) &&
      IconvToUtf8(bytes, cs, &out, lossy)) {
    std::string clean = SanitizeUtf8(out);
    if (lossy && clean != out) *lossy = true;
    return clean;
  }
  if (cs != "utf-8" && cs != "utf8" && lossy) *lossy = true;  // unknown charset
  if (util::IsValidUtf8(bytes)) return SanitizeUtf8(bytes);   // only NULs to replace
  out.clear();
  if (cs == "utf-8" || cs == "utf8" || !IconvToUtf8(bytes, "windows-1252", &out, lossy)) {
    if (lossy) *lossy = true;
    return SanitizeUtf8(bytes);
  }
  return SanitizeUtf8(out);
}

std::string TrimQuotedHistory(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = nl + 1;
  }
  size_t cut = lines.size();
  for (size_t i = 0; i < lines.size() && cut == lines.size(); ++i) {
    std::string norm = util::NormalizeSpace(lines[i]);
    if (norm.empty()) continue;
    if (IsOriginalMessageSeparator(norm)) {
      cut = i;
    } else if ((StartsWith(norm, "Le ") || StartsWith(norm, "On ")) && IsWroteLine(norm)) {
      cut = i;
    } else if ((StartsWith(norm, "Le ") || StartsWith(norm, "On ")) && i + 1 < lines.size() &&
               IsWroteLine(util::NormalizeSpace(lines[i + 1]))) {
      cut = i;  // header wrapped over two lines
    } else if (IsHeaderLine(norm, {"De", "From", "Von"})) {
      for (size_t k = i + 1; k < lines.size() && k <= i + 4; ++k) {
        std::string next = util::NormalizeSpace(lines[k]);
        if (IsHeaderLine(next, {"Envoyé", "Sent", "Date", "Gesendet"})) {
          cut = i;
          break;
        }
      }
      // Outlook draws a line of underscores above the block.
      if (cut == i && i > 0) {
        size_t p = i - 1;
        while (p > 0 && util::Trim(lines[p]).empty()) --p;
        std::string_view prev = util::Trim(lines[p]);
        if (prev.size() >= 8 && prev.find_first_not_of('_') == std::string_view::npos) cut = p;
      }
    }
  }
  std::string out;
  for (size_t i = 0; i < cut; ++i) {
    std::string_view trimmed = util::Trim(lines[i]);
    if (StartsWith(trimmed, ">")) continue;
    out.append(lines[i]);
    out.push_back('\n');
  }
  // Drop trailing white space and blank lines.
  while (!out.empty() &&
         (out.back() == '\n' || out.back() == ' ' || out.back() == '\t' || out.back() == '\r')) {
    out.pop_back();
  }
  size_t first = out.find_first_not_of("\n\r");
  return first == std::string::npos ? std::string() : out.substr(first);
}

std::string MailHtmlToText(std::string_view html) {
  std::string cleaned = DropComments(html);
  for (std::string_view tag : {"head", "style", "script", "title"}) {
    cleaned = DropElement(cleaned, tag);
  }
  return SanitizeUtf8(kb::HtmlToText(cleaned, nullptr));
}

std::string HeaderSafe(std::string_view value) {
  std::string clean = SanitizeUtf8(value);
  std::string out;
  out.reserve(clean.size());
  for (char c : clean) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\t' || c == '\r' || c == '\n') {
      out.push_back(' ');
    } else if (u < 0x20 || u == 0x7F) {
      continue;
    } else {
      out.push_back(c);
    }
  }
  return util::NormalizeSpace(out);
}

}  // namespace plume::channels
