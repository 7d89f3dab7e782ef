// Text helpers for French UTF-8 content.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace plume::util {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, no code point > U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Appends the UTF-8 encoding of code point `cp` (precondition: cp <= U+10FFFF, not a surrogate).
void AppendUtf8(std::string* out, char32_t cp);

// Collapses runs of white space (ASCII and U+00A0/U+202F no-break spaces) into one ASCII space
// and trims both ends.
std::string NormalizeSpace(std::string_view text);

// Trims ASCII white space at both ends.
std::string_view Trim(std::string_view text);

std::string Join(const std::vector<std::string>& parts, std::string_view sep);

// Number of Unicode code points; invalid bytes count one each.
size_t CodePointCount(std::string_view text);

// Decodes `text` into code points; each invalid byte becomes one U+DC80..U+DCFF code (the byte
// plus 0xDC00), so distinct invalid bytes stay distinct.
std::u32string DecodeCodePoints(std::string_view text);

// Levenshtein distance between `a` and `b` counted in Unicode code points ("é" counts one).
// Invalid bytes count one each. Common prefix and suffix are skipped first; the rest costs
// O(n·m) time and O(min(n, m)) memory.
int64_t EditDistance(std::string_view a, std::string_view b);

// The start of `text` for a list view: white space collapsed as NormalizeSpace does, at most
// `max_chars` code points, then "…" when something was cut. Invalid bytes become U+FFFD, so the
// result is always valid UTF-8. Reads only as far as it writes.
std::string Excerpt(std::string_view text, size_t max_chars);

// Returns at most `max_bytes` bytes of `text`, cut at a code point boundary.
std::string_view TruncateUtf8(std::string_view text, size_t max_bytes);

// Lower-cases ASCII letters and the Latin-1 supplement / Latin Extended-A letters used in French
// (É -> é, Œ -> œ); other code points are copied unchanged.
std::string ToLowerFrench(std::string_view text);

// Lower case of a code point of Latin Extended-A (U+0100..U+017F): Œ -> œ, Ž -> ž, Ÿ (U+0178) ->
// ÿ (U+00FF); other code points, and lower-case ones, are returned unchanged.
char32_t LowerLatinExtendedA(char32_t cp);

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

// Removes French diacritics from lower-case text (é -> e, œ -> oe, ç -> c).
std::string FoldAccents(std::string_view text);

}  // namespace plume::util
