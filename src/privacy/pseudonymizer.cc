#include "privacy/pseudonymizer.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "privacy/name_detector.h"
#include "privacy/validators.h"
#include "util/text.h"

namespace plume::privacy {
namespace {

// Longest stretch of text an anchored structured pattern may consume.
constexpr size_t kWindow = 320;

struct TypeInfo {
  PiiType type;
  std::string_view label;
  std::string_view name;
};

constexpr std::array<TypeInfo, kPiiTypeCount> kTypes = {{
    {PiiType::kName, "NOM", "name"},
    {PiiType::kEmail, "EMAIL", "email"},
    {PiiType::kPhone, "TEL", "phone"},
    {PiiType::kNir, "NIR", "nir"},
    {PiiType::kIban, "IBAN", "iban"},
    {PiiType::kAddress, "ADRESSE", "address"},
    {PiiType::kBirthDate, "DATE_NAISSANCE", "birth_date"},
    {PiiType::kTaxNumber, "NUM_FISCAL", "tax_number"},
    {PiiType::kCafNumber, "NUM_ALLOCATAIRE", "caf_number"},
    {PiiType::kSiret, "SIRET", "siret"},
    {PiiType::kSiren, "SIREN", "siren"},
    {PiiType::kPlate, "PLAQUE", "plate"},
    {PiiType::kOtherNumber, "NUMERO", "other_number"},
    {PiiType::kLiteral, "TEXTE", "literal"},
}};

int Priority(PiiType type) {
  switch (type) {
    case PiiType::kOtherNumber:
      return 0;
    case PiiType::kName:
      return 1;
    case PiiType::kAddress:
      return 2;
    case PiiType::kLiteral:
      return 4;
    default:
      return 3;
  }
}

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsUpperAscii(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool IsEmailLocal(unsigned char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// True when the character ending just before `pos` is a letter or digit (any script, via the
// lead byte: multi-byte sequences in the Latin range are treated as letters).
bool AlnumBefore(std::string_view text, size_t pos) {
  if (pos == 0) return false;
  auto c = static_cast<unsigned char>(text[pos - 1]);
  if (c < 0x80) return IsAsciiAlnum(c);
  size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  auto lead = static_cast<unsigned char>(text[start]);
  // U+00C0..U+024F start with 0xC3..0xC9; NBSP (C2 A0) and typographic marks do not.
  return lead >= 0xC3 && lead <= 0xC9;
}
bool AlnumAt(std::string_view text, size_t pos) {
  if (pos >= text.size()) return false;
  auto c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) return IsAsciiAlnum(c);
  return c >= 0xC3 && c <= 0xC9;
}

bool HasAlnum(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (AlnumAt(s, i)) return true;
  }
  return false;
}

// SWAR tests on 8 bytes: some byte is a digit / is `c`. Exact (no false positive or negative).
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;
inline bool HasByteBelow(uint64_t x, uint64_t n) { return ((x - kOnes * n) & ~x & kHighs) != 0; }
inline bool HasDigitByte(uint64_t x) { return HasByteBelow(x ^ (kOnes * '0'), 10); }
inline bool HasByte(uint64_t x, unsigned char c) { return HasByteBelow(x ^ (kOnes * c), 1); }

// First position at or after `i` holding a digit (or, when `plus_at`, a '+' or '@'), or
// text.size(). Skips 8 bytes at a time where none is present.
size_t SkipToTrigger(std::string_view text, size_t i, bool plus_at) {
  const size_t n = text.size();
  while (i + 8 <= n) {
    uint64_t x;
    std::memcpy(&x, text.data() + i, 8);
    if (HasDigitByte(x) || (plus_at && (HasByte(x, '+') || HasByte(x, '@')))) break;
    i += 8;
  }
  while (i < n) {
    auto c = static_cast<unsigned char>(text[i]);
    if (IsDigit(c) || (plus_at && (c == '+' || c == '@'))) break;
    ++i;
  }
  return i;
}

// First letters of the cue words (see ClassifyCue), both cases.
constexpr std::array<bool, 256> kCueStart = [] {
  std::array<bool, 256> t{};
  for (char c : std::string_view("nacmfsid")) {
    t[static_cast<unsigned char>(c)] = true;
    t[static_cast<unsigned char>(c - 32)] = true;
  }
  return t;
}();

// Letters or digits as AlnumAt sees them: ASCII, and lead bytes 0xC3..0xC9 (U+00C0..U+024F).
constexpr std::array<bool, 256> kAlnumByte = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 0xC3; c <= 0xC9; ++c) t[c] = true;
  return t;
}();

// kCueStart and kAlnumByte in one table for the cue-word scan: a UTF-8 continuation byte, a
// byte that is not a letter or digit, a letter or digit, a letter or digit starting a cue word.
constexpr uint8_t kContinuationByte = 0;
constexpr uint8_t kOtherByte = 1;
constexpr uint8_t kAlnumOnlyByte = 2;
constexpr uint8_t kCueStartByte = 3;
constexpr std::array<uint8_t, 256> kCueByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if ((c & 0xC0) == 0x80) {
      t[c] = kContinuationByte;
    } else if (kCueStart[c]) {
      t[c] = kCueStartByte;
    } else {
      t[c] = kAlnumByte[c] ? kAlnumOnlyByte : kOtherByte;
    }
  }
  return t;
}();

// Cheap necessary condition for MatchIban at `pos`: two letters then two digits ("FR76").
bool MayStartIban(std::string_view text, size_t pos) {
  return pos + 3 < text.size() && IsDigit(static_cast<unsigned char>(text[pos + 2])) &&
         IsDigit(static_cast<unsigned char>(text[pos + 3]));
}

// Cheap necessary condition for plate_siv at `pos` ("AB-123-CD"): two capitals, then a digit
// after an optional dash or space. Avoids an RE2 call at every capitalised word.
bool MayStartSivPlate(std::string_view text, size_t pos) {
  size_t j = pos + 2;
  if (j >= text.size() || !IsUpperAscii(static_cast<unsigned char>(text[pos + 1]))) return false;
  if (text[j] == '-' || text[j] == ' ') ++j;
  return j < text.size() && IsDigit(static_cast<unsigned char>(text[j]));
}

// Lower-case way types of the address pattern (kWayTypes), without their optional final dot.
bool IsWayType(std::string_view w) {
  static constexpr std::string_view kWays[] = {"rue",
                                               "avenue",
                                               "av",
                                               "boulevard",
                                               "bd",
                                               "bld",
                                               "blvd",
                                               "chemin",
                                               "ch",
                                               "all\xC3\xA9"
                                               "e",
                                               "all\xC3\xA9"
                                               "es",
                                               "allee",
                                               "allees",
                                               "impasse",
                                               "imp",
                                               "place",
                                               "pl",
                                               "route",
                                               "rte",
                                               "quai",
                                               "cours",
                                               "square",
                                               "sq",
                                               "r\xC3\xA9sidence",
                                               "residence",
                                               "lotissement",
                                               "lot",
                                               "lieu-dit",
                                               "faubourg",
                                               "fbg",
                                               "rond-point",
                                               "voie",
                                               "sentier",
                                               "passage",
                                               "cit\xC3\xA9",
                                               "cite",
                                               "hameau",
                                               "parvis",
                                               "promenade",
                                               "esplanade",
                                               "villa",
                                               "cour",
                                               "mont\xC3\xA9"
                                               "e",
                                               "montee",
                                               "traverse",
                                               "sente",
                                               "ruelle",
                                               "domaine",
                                               "clos",
                                               "parc",
                                               "mail",
                                               "chauss\xC3\xA9"
                                               "e",
                                               "chaussee",
                                               "venelle",
                                               "quartier",
                                               "za",
                                               "zac",
                                               "zi",
                                               "r"};
  // (first letter, length) pairs of the way types (at most 11 bytes): most words are rejected
  // without walking the list.
  static constexpr std::array<uint16_t, 26> kLengthsByLetter = [] {
    std::array<uint16_t, 26> t{};
    for (std::string_view way : kWays) t[way[0] - 'a'] |= static_cast<uint16_t>(1u << way.size());
    return t;
  }();
  if (w.empty() || w.size() > 11 || w[0] < 'a' || w[0] > 'z' ||
      ((kLengthsByLetter[w[0] - 'a'] >> w.size()) & 1) == 0) {
    return false;
  }
  for (std::string_view way : kWays) {
    if (way.size() == w.size() && way[0] == w[0] && w == way) return true;
  }
  return false;
}

// True when the word starting at `pos` (letters, '-' and a final '.') is a way type, compared
// case-insensitively.
bool WayTypeAt(std::string_view text, size_t pos) {
  char buf[24];
  size_t n = 0;
  size_t i = pos;
  while (i < text.size() && n + 2 <= sizeof buf) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') {
      buf[n++] = static_cast<char>(c + 32);
      ++i;
    } else if ((c >= 'a' && c <= 'z') || c == '-') {
      buf[n++] = static_cast<char>(c);
      ++i;
    } else if (c == 0xC5 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0xBF) {
      buf[n++] = 's';  // U+017F long s, which RE2's case folding equates with 's'
      i += 2;
    } else if (c == 0xC3 && i + 1 < text.size()) {
      auto d = static_cast<unsigned char>(text[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) d = static_cast<unsigned char>(d + 0x20);
      buf[n++] = static_cast<char>(c);
      buf[n++] = static_cast<char>(d);
      i += 2;
    } else {
      break;
    }
  }
  return n > 0 && IsWayType(std::string_view(buf, n));
}

// Necessary condition for the address pattern at a number whose digits end at `p`: after an
// optional suffix ("bis", "ter", "quater", a letter a-d), an optional comma and spaces, a way
// type follows. Avoids running the address pattern after every "3 enfants" or "15 mars".
bool MayStartAddress(std::string_view text, size_t p) {
  auto way_after = [&](size_t q) {
    if (q < text.size() && text[q] == ',') ++q;
    if (q >= text.size() || text[q] != ' ') return false;
    while (q < text.size() && text[q] == ' ') ++q;
    return WayTypeAt(text, q);
  };
  if (way_after(p)) return true;
  size_t q = p;
  if (q < text.size() && text[q] == ' ') ++q;
  for (std::string_view suffix : {"bis", "ter", "quater", "a", "b", "c", "d"}) {
    if (q + suffix.size() > text.size()) continue;
    bool same = true;
    for (size_t k = 0; k < suffix.size() && same; ++k) {
      same = (text[q + k] | 0x20) == suffix[k];
    }
    if (same && way_after(q + suffix.size())) return true;
  }
  // "bis" with a long s (U+017F), which RE2's case folding accepts.
  return q + 4 <= text.size() && (text[q] | 0x20) == 'b' && (text[q + 1] | 0x20) == 'i' &&
         text.compare(q + 2, 2, "\xC5\xBF") == 0 && way_after(q + 4);
}

// Necessary condition for plate_old at a number whose digits end at `p`: an optional space or
// dash, one to three capitals of [A-HJ-NP-Z], an optional space or dash, then a digit.
bool MayStartOldPlate(std::string_view text, size_t p) {
  if (p < text.size() && (text[p] == ' ' || text[p] == '-')) ++p;
  size_t letters = 0;
  while (p < text.size() && IsUpperAscii(static_cast<unsigned char>(text[p]))) {
    if (text[p] == 'I' || text[p] == 'O' || ++letters > 3) return false;
    ++p;
  }
  if (letters == 0) return false;
  if (p < text.size() && (text[p] == ' ' || text[p] == '-')) ++p;
  return p < text.size() && IsDigit(static_cast<unsigned char>(text[p]));
}

// UTF-8 validation with a fast path for runs of ASCII bytes; multi-byte sequences are checked by
// util::IsValidUtf8, one sequence at a time (validity is local to a sequence).
bool ValidUtf8(std::string_view text) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t block;
      std::memcpy(&block, text.data() + i, 8);
      if ((block & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Two-byte sequences (Latin accents) inline: lead C2..DF then a continuation byte.
    if (c >= 0xC2 && c <= 0xDF && i + 1 < n &&
        (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (i + len > n || !util::IsValidUtf8(text.substr(i, len))) return false;
    i += len;
  }
  return true;
}

enum class CueKind { kNone, kBirth, kCaf, kTax };

// Kind of number announced by a whole word, matched case-insensitively: "né", "née(s)",
// "naissance", "ddn" (birth date); "allocataire", "caf", "msa"; "fiscal(e)", "spi", "impôt(s)".
CueKind ClassifyCue(std::string_view word) {
  if (word.size() < 2 || word.size() > 12) return CueKind::kNone;
  // Byte lengths of the cue words by first letter (bit n: n bytes): n[ée]e?s? is 2 to 6 bytes,
  // "naissance" 9; "allocataire" 11; "caf", "msa", "spi", "ddn" 3; "fiscal(e)" 6-7;
  // "impot(s)", "impôt(s)" 5-7. Rejects most words before the lower-case copy.
  uint32_t lengths = 0;
  switch (word[0] | 0x20) {
    case 'n':
      lengths = 0x27Cu;  // 2..6, 9
      break;
    case 'a':
      lengths = 1u << 11;
      break;
    case 'c':
    case 'm':
    case 's':
    case 'd':
      lengths = 1u << 3;
      break;
    case 'f':
      lengths = (1u << 6) | (1u << 7);
      break;
    case 'i':
      lengths = (1u << 5) | (1u << 6) | (1u << 7);
      break;
    default:
      return CueKind::kNone;
  }
  if (((lengths >> word.size()) & 1) == 0) return CueKind::kNone;
  char buf[12];
  size_t n = 0;
  for (size_t i = 0; i < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
    // É (C3 89) -> é (C3 A9), Ô (C3 94) -> ô (C3 B4)
    if (c >= 0x80 && i > 0 && static_cast<unsigned char>(word[i - 1]) == 0xC3 && c >= 0x80 &&
        c <= 0x9E && c != 0x97) {
      c = static_cast<unsigned char>(c + 0x20);
    }
    buf[n++] = static_cast<char>(c);
  }
  std::string_view w(buf, n);
  // n[ée]e?s?
  std::string_view rest = w;
  if (!rest.empty() && rest[0] == 'n') {
    rest.remove_prefix(1);
    if (!rest.empty() && rest[0] == 'e') {
      rest.remove_prefix(1);
    } else if (rest.substr(0, 2) == "\xC3\xA9") {
      rest.remove_prefix(2);
    } else {
      rest = "x";
    }
    if (!rest.empty() && rest[0] == 'e') rest.remove_prefix(1);
    if (!rest.empty() && rest[0] == 's') rest.remove_prefix(1);
    if (rest.empty()) return CueKind::kBirth;
  }
  if (w == "naissance" || w == "ddn") return CueKind::kBirth;
  if (w == "allocataire" || w == "caf" || w == "msa") return CueKind::kCaf;
  if (w == "fiscal" || w == "fiscale" || w == "spi" || w == "impot" || w == "impots" ||
      w == "imp\xC3\xB4t" || w == "imp\xC3\xB4ts") {
    return CueKind::kTax;
  }
  return CueKind::kNone;
}

// Bytes after the end of a cue word within which its number must end.
constexpr size_t kCueWindow = 120;

// Position of the first digit after `pos` when at most 40 characters, none of them a line break,
// lie between; text.size() otherwise.
size_t FirstDigitSoonAfter(std::string_view text, size_t pos) {
  int chars = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (IsDigit(c)) return i;
    if (c == '\n') return text.size();
    if ((c & 0xC0) != 0x80 && ++chars > 40) return text.size();
  }
  return text.size();
}

struct Candidate {
  PiiType type;
  size_t begin;
  size_t end;
};

std::string NormalizeLabel(std::string_view raw) {
  std::string folded = util::FoldAccents(util::ToLowerFrench(raw));
  std::string out;
  for (char c : folded) {
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(c);
    } else if (c == ' ' || c == '_' || c == '-' || c == '\'') {
      if (!out.empty() && out.back() != '_') out.push_back('_');
    } else {
      return {};
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  // Words a model may add or spell out: "DATE DE NAISSANCE", "NUMERO FISCAL", "TELEPHONE".
  static const std::array<std::pair<std::string_view, std::string_view>, 8> kAliases = {{
      {"DATE_DE_NAISSANCE", "DATE_NAISSANCE"},
      {"NUMERO_FISCAL", "NUM_FISCAL"},
      {"NUMERO_ALLOCATAIRE", "NUM_ALLOCATAIRE"},
      {"NUM_D_ALLOCATAIRE", "NUM_ALLOCATAIRE"},
      {"NUMERO_D_ALLOCATAIRE", "NUM_ALLOCATAIRE"},
      {"TELEPHONE", "TEL"},
      {"MAIL", "EMAIL"},
      {"E_MAIL", "EMAIL"},
  }};
  for (const auto& [alias, canonical] : kAliases) {
    if (out == alias) return std::string(canonical);
  }
  return out;
}

RE2::Options Utf8Options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  return options;
}

constexpr std::string_view kDatePattern =
    R"((\d{1,2} ?[/.-] ?\d{1,2} ?[/.-] ?(?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|)"
    R"(\d{1,2}(?:er)? +(?i:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|)"
    R"(octobre|novembre|d[ée]cembre|janv\.?|f[ée]vr?\.?|sept\.?|oct\.?|nov\.?|d[ée]c\.?) +\d{4}))";

constexpr std::string_view kWayTypes =
    R"((?i:rue|avenue|av\.?|boulevard|bd|bld|blvd|chemin|ch\.|all[ée]es?|impasse|imp\.|place|)"
    R"(pl\.|route|rte|quai|cours|square|sq\.|r[ée]sidence|lotissement|lot\.|lieu-dit|faubourg|)"
    R"(fbg|rond-point|voie|sentier|passage|cit[ée]|hameau|parvis|promenade|esplanade|villa|)"
    R"(cour|mont[ée]e|traverse|sente|ruelle|domaine|clos|parc|mail|chauss[ée]e|venelle|)"
    R"(quartier|za|zac|zi|r\.))";

std::string AddressPattern() {
  const std::string particle =
      R"((?:(?:de|du|des|la|le|les|aux|au|sur|en|et|sous|l'|l’|d'|d’) ?)*)";
  const std::string word = R"([\p{L}\d][\p{L}\d'’-]*)";
  const std::string cap_word = R"(\p{Lu}[\p{L}'’-]*)";
  const std::string city_word = R"(\p{Lu}[\p{L}'’-]*)";
  return R"(\d{1,4}(?: ?(?i:bis|ter|quater|[a-d]))?,? +)" + std::string(kWayTypes) + " +" +
         particle + word + "(?: +" + particle + cap_word + "){0,5}" +
         R"((?:,? *\n? *(?:\d{5}|\d{2} \d{3}) +)" + city_word +
         R"((?:[ -]+(?:(?:sur|sous|l[èe]s|en|de|du|la|le|aux?|l'|d')[ -]+)?)" + city_word +
         R"(){0,3}(?: +(?i:cedex)(?: \d{1,2})?)?)?)";
}

}  // namespace

std::string_view PlaceholderLabel(PiiType type) { return kTypes[static_cast<int>(type)].label; }
std::string_view PiiTypeName(PiiType type) { return kTypes[static_cast<int>(type)].name; }

std::optional<PiiType> PiiTypeFromLabel(std::string_view label) {
  for (const TypeInfo& t : kTypes) {
    if (t.label == label) return t.type;
  }
  return std::nullopt;
}

const std::vector<PiiType>& AllPiiTypes() {
  static const std::vector<PiiType> kAll = [] {
    std::vector<PiiType> all;
    for (const TypeInfo& t : kTypes) all.push_back(t.type);
    return all;
  }();
  return kAll;
}

const MappingEntry* Mapping::Find(std::string_view placeholder) const {
  for (const MappingEntry& e : entries) {
    if (e.placeholder == placeholder) return &e;
  }
  return nullptr;
}

struct Pseudonymizer::Impl {
  PseudonymizerConfig config;
  NameDetector names;
  // Anchored patterns (matched at a trigger position). French phones, NIR, SIRET, SIREN and
  // numéros fiscaux / allocataires use the exact hand-written shape matchers of validators.h.
  RE2 phone_intl;
  RE2 address;
  RE2 plate_old;
  RE2 plate_siv;
  RE2 email_domain;
  // Dates announced by a cue word (see ClassifyCue and AfterCue), matched at their first digit.
  RE2 birth_date;
  RE2 placeholder_like;

  Impl(PseudonymizerConfig cfg, NameDetector detector)
      : config(std::move(cfg)),
        names(std::move(detector)),
        phone_intl(R"(\+(?:33[ .-]?(?:\(0\)[ .-]?)?[1-9](?:[ .-]?\d{2}){4}|)"
                   R"([1-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\d){6,13}))",
                   Utf8Options()),
        address(AddressPattern(), Utf8Options()),
        plate_old(R"(\d{1,4}[ -]?[A-HJ-NP-Z]{1,3}[ -]?(?:97[1-6]|2[AB]|0[1-9]|[1-8]\d|9[0-5]))",
                  Utf8Options()),
        plate_siv(R"([A-HJ-NP-TV-Z]{2}[- ]?\d{3}[- ]?[A-HJ-NP-TV-Z]{2})", Utf8Options()),
        email_domain(R"([A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63}){0,8})"
                     R"(\.[A-Za-z]{2,24})",
                     Utf8Options()),
        birth_date(std::string(kDatePattern), Utf8Options()),
        placeholder_like(R"(\[\s*([^\[\]\d\n]{1,40}?)[ _-]*(\d{1,4})\s*\])", Utf8Options()) {}

  Status CheckPatterns() const {
    for (const RE2* re : {&phone_intl, &address, &plate_old, &plate_siv, &email_domain, &birth_date,
                          &placeholder_like}) {
      if (!re->ok()) return Internal("privacy pattern failed to compile: " + re->error());
    }
    return Status::Ok();
  }

  // Length of an anchored match of `re` at `pos` that ends on a word boundary, 0 otherwise.
  static size_t MatchAt(const RE2& re, std::string_view text, size_t pos) {
    std::string_view window = text.substr(pos, kWindow);
    re2::StringPiece m;
    if (!re.Match(window, 0, window.size(), RE2::ANCHOR_START, &m, 1)) return 0;
    if (m.empty() || AlnumAt(text, pos + m.size())) return 0;
    return m.size();
  }

  // MatchAt for a hand-written shape matcher (validators.h).
  static size_t MatchShapeAt(size_t (*shape)(std::string_view), std::string_view text, size_t pos) {
    size_t len = shape(text.substr(pos, kWindow));
    if (len == 0 || AlnumAt(text, pos + len)) return 0;
    return len;
  }

  void Add(std::vector<Candidate>* out, PiiType type, size_t begin, size_t end) const {
    out->push_back({type, begin, end});
  }

  // Numeric identifiers, phones, addresses and old plates starting with a digit at `pos`.
  // Returns the end of the accepted candidate, or 0.
  size_t MatchDigitStart(std::string_view text, size_t pos, std::vector<Candidate>* out) const {
    // Loose digit count: digits separated by at most one space, dot or dash.
    int digits = 0;
    size_t contiguous = 0;
    bool in_first_run = true;
    for (size_t i = pos; i < text.size() && i < pos + 64; ++i) {
      auto c = static_cast<unsigned char>(text[i]);
      if (IsDigit(c)) {
        ++digits;
        if (in_first_run) ++contiguous;
      } else if ((c == ' ' || c == '.' || c == '-') && i + 1 < text.size() &&
                 IsDigit(static_cast<unsigned char>(text[i + 1]))) {
        in_first_run = false;
      } else if (digits >= 5 && (c == 'A' || c == 'B' || c == 'a' || c == 'b')) {
        in_first_run = false;  // Corsican NIR "2A"
      } else {
        break;
      }
    }
    PiiType best_type = PiiType::kOtherNumber;
    size_t best_len = 0;
    size_t shape_len = 0;  // longest identifier shape with a failed checksum
    auto consider = [&](PiiType type, size_t len, bool valid) {
      if (len == 0) return;
      if (valid) {
        if (len > best_len) {
          best_len = len;
          best_type = type;
        }
      } else {
        shape_len = std::max(shape_len, len);
      }
    };
    std::string_view rest = text.substr(pos);
    if (digits >= 10 && rest[0] == '0') {
      size_t len = MatchShapeAt(MatchFrenchPhoneShape, text, pos);
      consider(PiiType::kPhone, len, len > 0 && IsValidFrenchPhone(rest.substr(0, len)));
    }
    if (digits >= 13) {
      size_t len = MatchShapeAt(MatchNirShape, text, pos);
      consider(PiiType::kNir, len, len > 0 && IsValidNir(rest.substr(0, len)));
      len = MatchShapeAt(MatchFiscalShape, text, pos);
      consider(PiiType::kTaxNumber, len, len > 0);
    }
    if (digits >= 14) {
      size_t len = MatchShapeAt(MatchSiretShape, text, pos);
      consider(PiiType::kSiret, len, len > 0 && IsValidSiret(rest.substr(0, len)));
    }
    if (digits >= 9) {
      size_t len = MatchShapeAt(MatchSirenShape, text, pos);
      consider(PiiType::kSiren, len, len > 0 && IsValidSiren(rest.substr(0, len)));
    }
    // Addresses and old plates: the number is followed by (space, dash or comma and) a letter.
    size_t after = pos + contiguous;
    if (after < text.size() && (text[after] == ' ' || text[after] == '-' || text[after] == ',')) {
      ++after;
      if (after < text.size() && text[after] == ' ') ++after;
    }
    if (contiguous <= 4 && after < text.size() && AlnumAt(text, after) &&
        !IsDigit(static_cast<unsigned char>(text[after]))) {
      if (MayStartAddress(text, pos + contiguous)) {
        size_t len = MatchAt(address, text, pos);
        consider(PiiType::kAddress, len, len > 0);
      }
      if (MayStartOldPlate(text, pos + contiguous)) {
        size_t len = MatchAt(plate_old, text, pos);
        consider(PiiType::kPlate, len, len > 0);
      }
    }
    if (contiguous >= 9 && !AlnumAt(text, pos + contiguous)) {
      consider(PiiType::kOtherNumber, contiguous, false);
    }
    if (shape_len > best_len) {
      Add(out, PiiType::kOtherNumber, pos, pos + shape_len);
      return pos + shape_len;
    }
    if (best_len == 0) return 0;
    Add(out, best_type, pos, pos + best_len);
    return pos + best_len;
  }

  // IBAN starting with a country code at `pos`; returns the end or 0.
  size_t MatchIban(std::string_view text, size_t pos, std::vector<Candidate>* out) const {
    if (pos + 4 > text.size()) return 0;
    auto up = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
    char country[2] = {up(text[pos]), up(text[pos + 1])};
    if (!IsUpperAscii(static_cast<unsigned char>(country[0])) ||
        !IsUpperAscii(static_cast<unsigned char>(country[1])) ||
        !IsDigit(static_cast<unsigned char>(text[pos + 2])) ||
        !IsDigit(static_cast<unsigned char>(text[pos + 3]))) {
      return 0;
    }
    int expected = IbanLength(std::string_view(country, 2));
    // Walk alphanumerics, allowing one space or dash between them; record where each ends.
    // At most 34 characters: fixed buffers, no allocation.
    char compact_buf[34];
    size_t ends[34];
    size_t count = 0;
    size_t i = pos;
    while (i < text.size() && count < 34) {
      auto c = static_cast<unsigned char>(text[i]);
      if (IsAsciiAlnum(c)) {
        compact_buf[count] = up(static_cast<char>(c));
        ends[count] = i + 1;
        ++count;
        ++i;
      } else if ((c == ' ' || c == '-') && i + 1 < text.size() &&
                 IsAsciiAlnum(static_cast<unsigned char>(text[i + 1])) && count > 0) {
        ++i;
      } else {
        break;
      }
    }
    const std::string_view compact(compact_buf, count);
    auto boundary_ok = [&](size_t n) { return !AlnumAt(text, ends[n - 1]); };
    auto group_ok = [&](size_t n) {
      // Cut between two groups or at the end of a token (not inside "MERCI").
      return n == compact.size() || boundary_ok(n);
    };
    if (expected > 0) {
      auto n = static_cast<size_t>(expected);
      if (compact.size() < n || !group_ok(n)) {
        // A country code followed by digits but too short: not an IBAN shape.
        return 0;
      }
      bool valid = IsValidIban(compact.substr(0, n));
      Add(out, valid ? PiiType::kIban : PiiType::kOtherNumber, pos, ends[n - 1]);
      return ends[n - 1];
    }
    for (size_t n = compact.size(); n >= 15; --n) {
      if (group_ok(n) && IsValidIban(compact.substr(0, n))) {
        Add(out, PiiType::kIban, pos, ends[n - 1]);
        return ends[n - 1];
      }
    }
    return 0;
  }

  size_t MatchEmail(std::string_view text, size_t at, std::vector<Candidate>* out) const {
    size_t begin = at;
    while (begin > 0 && at - begin < 64 &&
           IsEmailLocal(static_cast<unsigned char>(text[begin - 1]))) {
      --begin;
    }
    while (begin < at && (text[begin] == '.' || text[begin] == '-')) ++begin;
    if (begin == at) return 0;
    std::string_view window = text.substr(at + 1, kWindow);
    re2::StringPiece m;
    if (!email_domain.Match(window, 0, window.size(), RE2::ANCHOR_START, &m, 1)) return 0;
    size_t end = at + 1 + m.size();
    Add(out, PiiType::kEmail, begin, end);
    return end;
  }

  // IBAN or SIV plate starting with the letters at `s`; returns the end or 0.
  size_t MatchLetterStart(std::string_view text, size_t s, std::vector<Candidate>* out) const {
    auto c = static_cast<unsigned char>(text[s]);
    bool upper = IsUpperAscii(c);
    if ((!upper && !(c >= 'a' && c <= 'z')) || s + 3 >= text.size()) return 0;
    bool plate = upper && MayStartSivPlate(text, s);
    if ((!MayStartIban(text, s) && !plate) || AlnumBefore(text, s)) return 0;
    size_t end = MatchIban(text, s, out);
    if (end == 0 && plate) {
      size_t len = MatchAt(plate_siv, text, s);
      if (len > 0) {
        end = s + len;
        Add(out, PiiType::kPlate, s, end);
      }
    }
    return end;
  }

  // Every structured candidate holds a digit, an '@' or a '+': the scan jumps from one such byte
  // to the next. IBANs ("FR76 ...") and SIV plates ("AB-123-CD") start with letters: they are
  // tried from their first digit, two or three bytes after the start of their word.
  void ScanStructured(std::string_view text, std::vector<Candidate>* out) const {
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
      const size_t from = i;
      i = SkipToTrigger(text, i, true);
      if (i >= n) break;
      auto c = static_cast<unsigned char>(text[i]);
      if (IsDigit(c)) {
        size_t end = 0;
        if (i >= from + 3) end = MatchLetterStart(text, i - 3, out);
        if (end == 0 && i >= from + 2) end = MatchLetterStart(text, i - 2, out);
        if (end == 0 && !AlnumBefore(text, i)) end = MatchDigitStart(text, i, out);
        if (end > i) {
          i = end;
          continue;
        }
        while (i < n && IsDigit(static_cast<unsigned char>(text[i]))) ++i;
        continue;
      }
      if (c == '+' && i + 1 < n && IsDigit(static_cast<unsigned char>(text[i + 1])) &&
          !AlnumBefore(text, i)) {
        size_t len = MatchAt(phone_intl, text, i);
        if (len > 0) {
          Add(out, PiiType::kPhone, i, i + len);
          i += len;
          continue;
        }
      } else if (c == '@') {
        size_t end = MatchEmail(text, i, out);
        if (end > i) {
          i = end;
          continue;
        }
      }
      ++i;
    }
  }

  // Cue words ("née", "allocataire", "fiscal"...; see ClassifyCue) followed, within 40
  // characters without a digit or a line break, by the number they announce. Numbers are rarer
  // than words, so the scan goes from digit to digit: for the first digit `d` of each run, the
  // words that end in the digit-free stretch before `d` are classified, and each cue found is
  // handed to AfterCue. Every cue is thus examined once, before the first digit that follows it,
  // exactly as a left-to-right scan of the words would.
  void ScanCues(std::string_view text, std::vector<Candidate>* out) const {
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
      i = SkipToTrigger(text, i, false);
      if (i >= n) break;
      const size_t d = i;
      while (i < n && IsDigit(static_cast<unsigned char>(text[i]))) ++i;
      // Earliest end of a cue whose first following digit is d (at most 40 characters before).
      size_t lo = d;
      int chars = 0;
      // Eight bytes at a time while none is a digit or a line break; characters are the bytes
      // that are not UTF-8 continuation bytes (10xxxxxx), as in the byte loop below.
      while (lo >= 8) {
        uint64_t x;
        std::memcpy(&x, text.data() + lo - 8, 8);
        if (HasDigitByte(x) || HasByte(x, '\n')) break;
        // One high bit per continuation byte, counted with a multiply (std::popcount is a
        // library call without -mpopcnt).
        const auto continuation =
            static_cast<int>((((x & ~(x << 1) & kHighs) >> 7) * 0x0101010101010101ull) >> 56);
        if (chars + 8 - continuation > 40) break;
        lo -= 8;
        chars += 8 - continuation;
      }
      while (lo > 0) {
        auto c = static_cast<unsigned char>(text[lo - 1]);
        if (c == '\n' || IsDigit(c)) break;
        if ((c & 0xC0) != 0x80 && ++chars > 40) break;
        --lo;
      }
      if (lo == d) continue;
      // Start of the word that contains lo (cue words are at most 12 bytes long).
      size_t p = lo;
      while (p > 0 && lo - p < 16 &&
             (kAlnumByte[static_cast<unsigned char>(text[p - 1])] ||
              (static_cast<unsigned char>(text[p - 1]) & 0xC0) == 0x80)) {
        --p;
      }
      ScanCueWords(text, p, lo, d, out);
    }
  }

  // Classifies the words of text[from, d) that end at or after `lo`.
  void ScanCueWords(std::string_view text, size_t from, size_t lo, size_t d,
                    std::vector<Candidate>* out) const {
    bool prev_alnum = AlnumBefore(text, from);
    size_t i = from;
    while (i < d) {
      const uint8_t cls = kCueByteClass[static_cast<unsigned char>(text[i])];
      if (cls != kCueStartByte || prev_alnum) {
        if (cls != kContinuationByte) prev_alnum = cls != kOtherByte;
        ++i;
        continue;
      }
      size_t start = i;
      while (i < d && kAlnumByte[static_cast<unsigned char>(text[i])]) ++i;
      // Extend over the continuation bytes of the last character.
      while (i < d && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) {
        ++i;
        while (i < d && kAlnumByte[static_cast<unsigned char>(text[i])]) ++i;
      }
      prev_alnum = true;
      if (i < lo || i == d) continue;  // ends too early, or glued to the digit ("caf2")
      CueKind kind = ClassifyCue(text.substr(start, i - start));
      if (kind != CueKind::kNone) AfterCue(text, kind, i, out);
    }
  }

  // The number announced by a cue starts at the first digit after it (the text between holds
  // no digit, no line break and at most 40 characters) and ends within 120 bytes of the cue.
  // Dates are matched with an anchored RE2 pattern (its DFA alone), numbers with the shape
  // matchers of validators.h.
  void AfterCue(std::string_view text, CueKind kind, size_t cue_end,
                std::vector<Candidate>* out) const {
    size_t begin = FirstDigitSoonAfter(text, cue_end);
    if (begin >= text.size() || begin >= cue_end + kCueWindow) return;
    PiiType type = PiiType::kBirthDate;
    if (kind == CueKind::kCaf) {
      type = PiiType::kCafNumber;
    } else if (kind == CueKind::kTax) {
      type = PiiType::kTaxNumber;
    }
    std::string_view window = text.substr(begin, cue_end + kCueWindow - begin);
    size_t len = 0;
    if (type == PiiType::kCafNumber) {
      len = MatchCafNumberShape(window);
    } else if (type == PiiType::kTaxNumber) {
      len = MatchTaxNumberShape(window);
    } else {
      re2::StringPiece m;
      if (birth_date.Match(window, 0, window.size(), RE2::ANCHOR_START, &m, 1)) len = m.size();
    }
    if (len == 0) return;
    size_t end = begin + len;
    if (AlnumAt(text, end)) return;
    if (type != PiiType::kBirthDate && end + 1 < text.size() && text[end] == ' ' &&
        IsDigit(static_cast<unsigned char>(text[end + 1]))) {
      return;  // part of a longer grouped number
    }
    Add(out, type, begin, end);
  }

  void ScanLiterals(std::string_view text, std::vector<Candidate>* out) const {
    if (text.find('[') == std::string_view::npos) return;
    size_t pos = 0;
    std::array<re2::StringPiece, 2> g;
    while (pos < text.size() &&
           placeholder_like.Match(text, pos, text.size(), RE2::UNANCHORED, g.data(), 2)) {
      size_t begin = static_cast<size_t>(g[0].data() - text.data());
      if (PiiTypeFromLabel(NormalizeLabel(std::string_view(g[1]))).has_value()) {
        Add(out, PiiType::kLiteral, begin, begin + g[0].size());
      }
      pos = begin + g[0].size();
    }
  }

  void ScanHintEmail(std::string_view text, const PseudonymizeHints& hints,
                     std::vector<Candidate>* out) const {
    std::string needle = util::ToLowerFrench(util::Trim(hints.sender_email));
    if (needle.size() < 3) return;
    std::string hay = util::ToLowerFrench(text);
    if (hay.size() != text.size()) return;
    for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) {
      Add(out, PiiType::kEmail, p, p + needle.size());
    }
  }
};

Pseudonymizer::Pseudonymizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pseudonymizer::Pseudonymizer(Pseudonymizer&&) noexcept = default;
Pseudonymizer& Pseudonymizer::operator=(Pseudonymizer&&) noexcept = default;
Pseudonymizer::~Pseudonymizer() = default;

std::filesystem::path DefaultNameModelFile(const std::filesystem::path& data_dir) {
  return data_dir / "models" / "privacy_names.bin";
}

std::filesystem::path FindNameModel(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::path file = DefaultNameModelFile(data_dir);
  return std::filesystem::is_regular_file(file, ec) ? file : std::filesystem::path();
}

Result<Pseudonymizer> Pseudonymizer::Create(const PseudonymizerConfig& config) {
  PLUME_ASSIGN_OR_RETURN(
      NameDetector names,
      NameDetector::Create(config.resource_dir, config.require_name_lists, config.name_model_file,
                           config.name_model_threshold, config.name_model_veto,
                           config.name_model_join_threshold));
  auto impl = std::make_unique<Impl>(config, std::move(names));
  PLUME_RETURN_IF_ERROR(impl->CheckPatterns());
  return Pseudonymizer(std::move(impl));
}

Result<std::vector<PiiSpan>> Pseudonymizer::Detect(std::string_view text,
                                                   const PseudonymizeHints& hints) const {
  if (text.size() > impl_->config.max_input_bytes) {
    return ResourceExhausted("text too large for pseudonymisation: " + std::to_string(text.size()) +
                             " bytes");
  }
  if (!ValidUtf8(text)) return InvalidArgument("text is not valid UTF-8");
  // Working buffers reused by the calls of this thread (large inputs release them below).
  thread_local std::vector<Candidate> cands;
  thread_local std::vector<PiiSpan> names;
  thread_local std::vector<PiiSpan> spans;
  cands.clear();
  names.clear();
  spans.clear();
  impl_->ScanStructured(text, &cands);
  impl_->ScanCues(text, &cands);
  impl_->ScanLiterals(text, &cands);
  if (!hints.sender_email.empty()) impl_->ScanHintEmail(text, hints, &cands);
  impl_->names.Detect(text, hints, &names);
  for (const PiiSpan& s : names) cands.push_back({s.type, s.begin, s.end});

  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  // Resolve overlaps: the higher priority wins, then the longer span.
  // The loser of a partial overlap keeps its non-overlapping part when that part still holds a
  // letter or digit, so that nothing is left in clear.
  for (Candidate c : cands) {
    bool keep = c.end > c.begin;
    while (keep && !spans.empty() && spans.back().end > c.begin) {
      PiiSpan last = spans.back();
      int pc = Priority(c.type);
      int pl = Priority(last.type);
      bool c_wins = pc > pl || (pc == pl && c.end - c.begin > last.end - last.begin);
      if (c_wins) {
        spans.pop_back();
        if (last.begin < c.begin && HasAlnum(text.substr(last.begin, c.begin - last.begin))) {
          spans.push_back({last.type, last.begin, c.begin});
        }
        if (last.end > c.end) {
          // Re-queue the tail after the winner.
          spans.push_back({c.type, c.begin, c.end});
          c = {last.type, c.end, last.end};
          keep = HasAlnum(text.substr(c.begin, c.end - c.begin));
          if (!keep) break;
          continue;
        }
      } else {
        if (c.end <= last.end) {
          keep = false;
        } else {
          c.begin = last.end;
          keep = HasAlnum(text.substr(c.begin, c.end - c.begin));
        }
      }
    }
    if (keep) spans.push_back({c.type, c.begin, c.end});
  }
  // Final guarantee: sorted and non-overlapping.
  std::sort(spans.begin(), spans.end(),
            [](const PiiSpan& a, const PiiSpan& b) { return a.begin < b.begin; });
  std::vector<PiiSpan> clean;
  clean.reserve(spans.size());
  for (PiiSpan s : spans) {
    if (!clean.empty() && s.begin < clean.back().end) s.begin = clean.back().end;
    if (s.end > s.begin) clean.push_back(s);
  }
  if (text.size() > (64u << 10)) {
    cands = {};
    names = {};
    spans = {};
  }
  return clean;
}

Result<Pseudonymized> Pseudonymizer::Pseudonymize(std::string_view text,
                                                  const PseudonymizeHints& hints) const {
  PLUME_ASSIGN_OR_RETURN(std::vector<PiiSpan> spans, Detect(text, hints));
  Pseudonymized result;
  // Placeholders are at most 20 bytes ("[NUM_ALLOCATAIRE_99]"): one allocation in most cases.
  result.text.reserve(text.size() + 8 * spans.size());
  result.replacements.reserve(spans.size());
  // (type, original) -> entry: a linear search over the few entries of a message, a hash map
  // once there are many. Keys are views into `text` (stable, unlike the entries' strings).
  constexpr size_t kLinearEntries = 24;
  constexpr size_t kNoEntry = static_cast<size_t>(-1);
  std::vector<std::string_view> originals;  // parallel to result.mapping.entries
  originals.reserve(spans.size());
  result.mapping.entries.reserve(spans.size());
  std::unordered_map<std::string_view, std::vector<size_t>> index;
  auto find_entry = [&](PiiType type, std::string_view original) {
    const std::vector<MappingEntry>& entries = result.mapping.entries;
    if (entries.size() <= kLinearEntries) {
      for (size_t e = 0; e < entries.size(); ++e) {
        if (entries[e].type == type && originals[e] == original) return e;
      }
      return kNoEntry;
    }
    auto it = index.find(original);
    if (it == index.end()) return kNoEntry;
    for (size_t e : it->second) {
      if (entries[e].type == type) return e;
    }
    return kNoEntry;
  };
  std::array<int, kPiiTypeCount> counters{};
  size_t pos = 0;
  for (const PiiSpan& s : spans) {
    result.text.append(text.substr(pos, s.begin - pos));
    std::string_view original = text.substr(s.begin, s.end - s.begin);
    size_t entry = find_entry(s.type, original);
    if (entry == kNoEntry) {
      int n = ++counters[static_cast<int>(s.type)];
      char number[16];
      const size_t digits =
          static_cast<size_t>(std::to_chars(number, number + sizeof number, n).ptr - number);
      const std::string_view label = PlaceholderLabel(s.type);
      std::string placeholder;
      placeholder.reserve(label.size() + digits + 3);
      placeholder.push_back('[');
      placeholder.append(label);
      placeholder.push_back('_');
      placeholder.append(number, digits);
      placeholder.push_back(']');
      result.mapping.entries.push_back({std::move(placeholder), s.type, std::string(original)});
      originals.push_back(original);
      entry = originals.size() - 1;
      if (entry == kLinearEntries) {
        // From now on the hash map: index every entry so far.
        for (size_t e = 0; e <= entry; ++e) index[originals[e]].push_back(e);
      } else if (entry > kLinearEntries) {
        index[original].push_back(entry);
      }
    }
    const std::string& placeholder = result.mapping.entries[entry].placeholder;
    Replacement r;
    r.type = s.type;
    r.begin = s.begin;
    r.end = s.end;
    r.out_begin = result.text.size();
    result.text.append(placeholder);
    r.out_end = result.text.size();
    r.placeholder = placeholder;
    result.replacements.push_back(std::move(r));
    pos = s.end;
  }
  result.text.append(text.substr(pos));
  return result;
}

Restored Restore(std::string_view model_output, const Mapping& mapping) {
  static const RE2* const kPlaceholder =
      new RE2(R"(\[\s*([^\[\]\d\n]{1,40}?)[ _-]*(\d{1,4})\s*\])", Utf8Options());
  Restored out;
  out.text.reserve(model_output.size());
  size_t pos = 0;
  std::array<re2::StringPiece, 3> g;
  while (pos < model_output.size() && kPlaceholder->Match(model_output, pos, model_output.size(),
                                                          RE2::UNANCHORED, g.data(), 3)) {
    size_t begin = static_cast<size_t>(g[0].data() - model_output.data());
    size_t end = begin + g[0].size();
    out.text.append(model_output.substr(pos, begin - pos));
    std::string label = NormalizeLabel(std::string_view(g[1]));
    std::string number(g[2].data(), g[2].size());
    while (number.size() > 1 && number[0] == '0') number.erase(0, 1);
    const MappingEntry* entry = nullptr;
    if (!label.empty()) entry = mapping.Find("[" + label + "_" + number + "]");
    if (entry != nullptr) {
      out.text.append(entry->original);
    } else {
      out.text.append(g[0].data(), g[0].size());
      if (!label.empty() && PiiTypeFromLabel(label).has_value()) {
        out.unknown_placeholders.emplace_back(g[0].data(), g[0].size());
      }
    }
    pos = end;
  }
  if (pos < model_output.size()) out.text.append(model_output.substr(pos));
  return out;
}

}  // namespace plume::privacy
