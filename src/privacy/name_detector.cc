#include "privacy/name_detector.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "privacy/name_model.h"
#include "util/files.h"
#include "util/text.h"

namespace plume::privacy {

namespace {

// LowerFrench in place on out[begin, end).
void LowerFrenchInPlace(std::string& out, size_t begin, size_t end) {
  const size_t n = end;
  size_t i = begin;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t b;
      std::memcpy(&b, out.data() + i, 8);
      if ((b & 0x8080808080808080ull) == 0) {
        // Eight ASCII bytes: set bit 5 of those in 'A'..'Z'.
        uint64_t ge_a = b + 0x3F3F3F3F3F3F3F3Full;  // high bit set when byte >= 'A'
        uint64_t gt_z = b + 0x2525252525252525ull;  // high bit set when byte > 'Z'
        b |= ((ge_a & ~gt_z) & 0x8080808080808080ull) >> 2;
        std::memcpy(out.data() + i, &b, 8);
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(out[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') out[i] = static_cast<char>(c + 32);
      ++i;
      continue;
    }
    if (i + 1 < n && c >= 0xC3 && c <= 0xC5) {
      auto d = static_cast<unsigned char>(out[i + 1]);
      if (c == 0xC3) {
        if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      } else {
        auto cp = static_cast<char32_t>(((c & 0x1F) << 6) | (d & 0x3F));  // U+0100..U+017F
        char32_t lower = util::LowerLatinExtendedA(cp);
        if (lower != cp) {  // still two bytes (U+00FF..U+017F)
          out[i] = static_cast<char>(0xC0 | (lower >> 6));
          out[i + 1] = static_cast<char>(0x80 | (lower & 0x3F));
        }
      }
      i += 2;
      continue;
    }
    ++i;
  }
}

}  // namespace

std::string LowerFrench(std::string_view text) {
  std::string out(text);
  LowerFrenchInPlace(out, 0, out.size());
  return out;
}

namespace {

uint64_t HashWord(std::string_view s) {
  // Eight bytes at a time (words are short and hashed for every look-up that is not cached).
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = 1469598103934665603ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t c;
    std::memcpy(&c, s.data() + i, 8);
    h = (h ^ c) * kMul;
    h ^= h >> 32;
  }
  if (i < s.size()) {
    uint64_t c = 0;
    for (size_t j = i; j < s.size(); ++j) {
      c |= uint64_t{static_cast<unsigned char>(s[j])} << (8 * (j - i));
    }
    h = (h ^ c) * kMul;
    h ^= h >> 32;
  }
  // Final mix, so that the low bits (slot index) depend on every byte.
  h *= 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 29);
}

// Set of words with open addressing; the caller may pass a precomputed HashWord() so that one
// word is hashed once for all the lists it is looked up in.
class WordSet {
 public:
  void insert(std::string_view w) {
    uint64_t h = HashWord(w);
    if (contains(w, h)) return;
    if ((entries_.size() + 1) * 2 > slots_.size()) Rehash(std::max<size_t>(64, slots_.size() * 2));
    entries_.push_back({h, static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(w.size())});
    arena_.append(w);
    Place(static_cast<uint32_t>(entries_.size()));
    if (!filter_.empty()) {
      const size_t mask = filter_.size() * 64 - 1;
      size_t b1 = (h >> 20) & mask;
      size_t b2 = (h >> 42) & mask;
      filter_[b1 >> 6] |= uint64_t{1} << (b1 & 63);
      filter_[b2 >> 6] |= uint64_t{1} << (b2 & 63);
    }
  }
  bool contains(std::string_view w) const { return contains(w, HashWord(w)); }
  bool contains(std::string_view w, uint64_t h) const {
    if (slots_.empty()) return false;
    if (!filter_.empty()) {
      // Two-bit Bloom filter: a miss in a large list costs one cache line instead of two
      // (slot and entry) in tables of several megabytes.
      const size_t mask = filter_.size() * 64 - 1;
      size_t b1 = (h >> 20) & mask;
      size_t b2 = (h >> 42) & mask;
      if (!((filter_[b1 >> 6] >> (b1 & 63)) & 1) || !((filter_[b2 >> 6] >> (b2 & 63)) & 1)) {
        return false;
      }
    }
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint32_t e = slots_[i];
      if (e == 0) return false;
      const Entry& en = entries_[e - 1];
      if (en.hash == h && en.len == w.size() &&
          std::memcmp(arena_.data() + en.off, w.data(), w.size()) == 0) {
        return true;
      }
    }
  }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  template <typename F>
  void ForEach(F f) const {
    for (const Entry& e : entries_) f(std::string_view(arena_).substr(e.off, e.len));
  }

 private:
  struct Entry {
    uint64_t hash;
    uint32_t off;
    uint32_t len;
  };
  void Place(uint32_t index) {
    const size_t mask = slots_.size() - 1;
    size_t i = entries_[index - 1].hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = index;
  }
  void Rehash(size_t n) {
    slots_.assign(n, 0);
    for (uint32_t i = 1; i <= entries_.size(); ++i) Place(i);
    // Filter for sets of 1,024+ words (about 16 bits per word); smaller ones stay in cache.
    filter_.clear();
    if (n >= (1u << 12)) {
      filter_.assign(n / 8, 0);  // n / 8 words of 64 bits = 8 bits per slot
      const size_t mask = filter_.size() * 64 - 1;
      for (const Entry& e : entries_) {
        size_t b1 = (e.hash >> 20) & mask;
        size_t b2 = (e.hash >> 42) & mask;
        filter_[b1 >> 6] |= uint64_t{1} << (b1 & 63);
        filter_[b2 >> 6] |= uint64_t{1} << (b2 & 63);
      }
    }
  }
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // 1-based entry index, 0 = empty
  std::string arena_;
  std::vector<uint64_t> filter_;  // Bloom filter bits, for large sets
};

WordSet MakeSet(std::initializer_list<std::string_view> words) {
  WordSet set;
  for (std::string_view w : words) set.insert(w);
  return set;
}

// Capitalised words that are not names: function words, greetings, institutions, months.
const WordSet& StopWords() {
  static const WordSet kSet = MakeSet({
      "a",
      "à",
      "ai",
      "au",
      "aux",
      "avec",
      "avant",
      "après",
      "afin",
      "alors",
      "aussi",
      "autre",
      "bonjour",
      "bonsoir",
      "bien",
      "car",
      "ce",
      "ceci",
      "cela",
      "ces",
      "cet",
      "cette",
      "chez",
      "cher",
      "chère",
      "chers",
      "chères",
      "comme",
      "comment",
      "concernant",
      "cordialement",
      "d",
      "dans",
      "de",
      "des",
      "du",
      "depuis",
      "donc",
      "dont",
      "elle",
      "elles",
      "en",
      "entre",
      "est",
      "et",
      "etc",
      "être",
      "il",
      "ils",
      "j",
      "je",
      "l",
      "la",
      "le",
      "les",
      "leur",
      "leurs",
      "lors",
      "m",
      "ma",
      "madame",
      "mademoiselle",
      "mais",
      "me",
      "merci",
      "mes",
      "mesdames",
      "messieurs",
      "moi",
      "mon",
      "monsieur",
      "n",
      "ne",
      "ni",
      "non",
      "nos",
      "notre",
      "nous",
      "objet",
      "on",
      "or",
      "ou",
      "où",
      "oui",
      "par",
      "parce",
      "pas",
      "pendant",
      "pour",
      "pourquoi",
      "pourriez",
      "pouvez",
      "puis",
      "qu",
      "quand",
      "que",
      "quel",
      "quelle",
      "qui",
      "quoi",
      "s",
      "sa",
      "sans",
      "se",
      "selon",
      "ses",
      "si",
      "son",
      "sous",
      "suite",
      "suis",
      "sur",
      "t",
      "ta",
      "te",
      "tes",
      "toi",
      "ton",
      "tous",
      "tout",
      "toute",
      "toutes",
      "très",
      "tu",
      "un",
      "une",
      "vers",
      "vos",
      "votre",
      "vous",
      "y",
      "voici",
      "voilà",
      "veuillez",
      "ps",
      "nb",
      "re",
      "tr",
      "fw",
      "fwd",
      "janvier",
      "février",
      "mars",
      "avril",
      "mai",
      "juin",
      "juillet",
      "août",
      "septembre",
      "octobre",
      "novembre",
      "décembre",
      "lundi",
      "mardi",
      "mercredi",
      "jeudi",
      "vendredi",
      "samedi",
      "dimanche",
      "caf",
      "cpam",
      "msa",
      "urssaf",
      "carsat",
      "cnav",
      "ants",
      "edf",
      "sncf",
      "ratp",
      "pôle",
      "emploi",
      "france",
      "travail",
      "mairie",
      "préfecture",
      "sécurité",
      "sociale",
      "assurance",
      "maladie",
      "retraite",
      "impôts",
      "impots",
      "finances",
      "publiques",
      "service",
      "services",
      "public",
      "publique",
      "état",
      "république",
      "conseil",
      "département",
      "région",
      "tribunal",
      "agence",
      "centre",
      "caisse",
      "direction",
      "ministère",
      "gouvernement",
      "rsa",
      "apl",
      "aah",
      "ape",
      "tva",
      "ok",
      "url",
      "http",
      "https",
      "www",
      "pièce",
      "pièces",
      "jointe",
      "jointes",
      "annexe",
      "dossier",
      "numéro",
      "référence",
      "adresse",
      "rue",
      "avenue",
      "boulevard",
      "place",
      "chemin",
      "allée",
      "impasse",
      "route",
      "nom",
      "prénom",
      "tél",
      "tel",
      "téléphone",
      "email",
      "mail",
      "courriel",
      "date",
      "ville",
      "paris",
      "lyon",
      "marseille",
      "toulouse",
      "lille",
      "nantes",
      "bordeaux",
      "strasbourg",
      "saint",
      "sainte",
      "mon",
      "urgent",
      "important",
      "attention",
      "total",
      "bonne",
      "journée",
      "salutations",
      "respectueusement",
      "dieu",
      "église",
      "ici",
      "là",
      "hier",
      "aujourd",
      "demain",
      "oui",
      "non",
      "euros",
      "euro",
      "sont",
      "était",
  });
  return kSet;
}

// Lower-case civility and title words; the abbreviations below are matched case-sensitively.
const WordSet& CivilityWords() {
  static const WordSet kSet = MakeSet({
      "madame",    "monsieur",   "mademoiselle", "mesdames",    "messieurs", "maître",
      "maitre",    "docteur",    "professeur",   "monseigneur", "général",   "capitaine",
      "colonel",   "commandant", "lieutenant",   "cardinal",    "abbé",      "sergent",
      "amiral",    "maréchal",   "veuve",        "époux",       "épouse",    "née",
      "soussigné", "soussignée", "famille",      "sieur",       "dame",      "citoyen",
      "citoyenne", "frère",      "sœur",         "soeur",       "président", "présidente",
      "ministre",  "préfet",     "député",       "sénateur",    "appelle",   "nommé",
      "nommée",    "dénommé",    "dénommée",     "chanoine",    "pasteur",   "curé",
      "vicaire",   "recteur",    "juge",         "caporal",     "adjudant",  "brigadier",
      "gendarme",  "inspecteur", "commissaire",  "baron",       "baronne",   "comte",
      "comtesse",  "marquis",    "marquise",     "duc",         "duchesse",  "prince",
      "princesse", "roi",        "reine",        "empereur",    "sir",       "lord",
      "miss",      "mister",     "mrs",          "mr",          "ms",        "herr",
      "frau",      "signor",     "père",         "mère",        "veuf",
  });
  return kSet;
}

// Bit index of a word (2+ bytes) from its length and its first and last two bytes: a filter
// over the words of a small list skips the hash look-up for almost every other word.
constexpr size_t kFilterBits = 1u << 13;
size_t FilterIndex(std::string_view w) {
  const size_t n = w.size();
  uint32_t x = static_cast<uint32_t>(static_cast<unsigned char>(w[0])) |
               static_cast<uint32_t>(static_cast<unsigned char>(w[1])) << 8 |
               static_cast<uint32_t>(static_cast<unsigned char>(w[n - 2])) << 16 |
               static_cast<uint32_t>(static_cast<unsigned char>(w[n - 1])) << 24;
  x = (x ^ static_cast<uint32_t>(n) * 0x85EBCA6Bu) * 0x9E3779B1u;
  return x >> 19;  // 13 bits
}
using WordFilter = std::array<uint64_t, kFilterBits / 64>;
WordFilter MakeFilter(const WordSet& set) {
  WordFilter bits{};
  set.ForEach([&](std::string_view w) {
    if (w.size() < 2) return;
    size_t b = FilterIndex(w);
    bits[b >> 6] |= uint64_t{1} << (b & 63);
  });
  return bits;
}
// False only when `w` (2+ bytes) is not in the set the filter was made from.
bool MayContain(const WordFilter& filter, std::string_view w) {
  size_t b = FilterIndex(w);
  return ((filter[b >> 6] >> (b & 63)) & 1) != 0;
}
const WordFilter& CivilityPrefilter() {
  static const WordFilter kBits = MakeFilter(CivilityWords());
  return kBits;
}

const WordSet& CivilityAbbreviations() {
  static const WordSet kSet =
      MakeSet({"M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Dr", "Pr", "Mgr", "Vve", "Mr",
               "Mrs", "Ms", "MME", "MLLE", "DR", "Mm", "Mmo", "Mma",
               // Frequent OCR readings of "M." in scanned documents.
               "NI", "Ni"});
  return kSet;
}

// Determiners and pronouns that may follow a civility without being a name ("Madame votre").
const WordSet& Determiners() {
  static const WordSet kSet =
      MakeSet({"les", "des",   "aux", "une",  "votre", "vos",  "notre", "nos", "mon", "mes", "son",
               "ses", "cette", "ces", "leur", "leurs", "tous", "qui",   "que", "est", "sont"});
  return kSet;
}

// Lower-case abbreviations of titles and ranks, recognised before a full stop ("lieut.").
const WordSet& TitleAbbreviations() {
  static const WordSet kSet = MakeSet(
      {"lieut", "lt",  "cap",   "capit", "cne",  "col", "cel", "gén",  "gal", "cdt", "cmdt",
       "adj",   "sgt", "sergt", "brig",  "insp", "dr",  "pr",  "prof", "me",  "mgr", "vve"});
  return kSet;
}

// Particles allowed inside a name when followed by a capitalised word ("de la Fontaine").
// Word of 1 to 3 bytes packed with its length into an integer (exact: distinct words, distinct
// keys).
constexpr uint32_t PackShort(std::string_view w) {
  uint32_t key = static_cast<uint32_t>(w.size()) << 24;
  for (size_t i = 0; i < w.size(); ++i) {
    key |= static_cast<uint32_t>(static_cast<unsigned char>(w[i])) << (8 * i);
  }
  return key;
}
constexpr std::array<uint32_t, 34> kParticleKeys = [] {
  constexpr std::string_view kParticles[] = {
      "de",  "du",  "des", "d",   "la",  "le", "van", "von", "der", "den", "da",  "di",
      "del", "dos", "ben", "bin", "el",  "al", "Le",  "La",  "De",  "Du",  "Van", "Von",
      "Da",  "Di",  "Del", "Dos", "Ben", "El", "Al",  "Mac", "Mc",  "O"};
  std::array<uint32_t, 34> keys{};
  for (size_t i = 0; i < keys.size(); ++i) keys[i] = PackShort(kParticles[i]);
  return keys;
}();
bool IsParticle(std::string_view w) {
  if (w.empty() || w.size() > 3) return false;
  const uint32_t key = PackShort(w);
  for (uint32_t k : kParticleKeys) {
    if (k == key) return true;
  }
  return false;
}

// Key words of closing formulas ("Cordialement", "salutations distinguées", "Bien à vous" is
// handled separately).
const WordSet& ClosingWords() {
  static const WordSet kSet = MakeSet({
      "cordialement",
      "salutations",
      "respectueusement",
      "distinguées",
      "distingués",
      "amicalement",
      "sincèrement",
      "avance",
      "journée",
      "soirée",
      "bientôt",
      "remerciements",
      "remerciant",
      "respectueuses",
      "considération",
      "cdlt",
      "bisous",
      "amitiés",
  });
  return kSet;
}

const WordFilter& ClosingPrefilter() {
  static const WordFilter kBits = MakeFilter(ClosingWords());
  return kBits;
}

char32_t DecodeAt(std::string_view s, size_t pos, size_t* len) {
  auto b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) {
    *len = 1;
    return b;
  }
  int n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  if (pos + n > s.size()) {
    *len = 1;
    return 0xFFFD;
  }
  char32_t cp = b & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (int i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
  *len = static_cast<size_t>(n);
  return cp;
}

bool IsAsciiLetter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

bool IsLetter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x52F);
}

bool IsUpper(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  return (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
         (cp >= 0x100 && cp <= 0x17F && cp % 2 == 0 && cp != 0x138) || cp == 0x178 ||
         (cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F);
}

struct Word {
  size_t begin = 0;
  size_t end = 0;
  int letters = 0;
  bool cap = false;        // first letter upper-case
  bool all_caps = false;   // every letter upper-case, 2+ letters
  bool has_upper = false;  // some letter upper-case (else the word is its own lower-case form)
  bool has_dash = false;   // hyphenated ("Jean-Baptiste"): holds a '-'
  // Caches filled by the Scanner.
  bool hash_done = false;
  int8_t civility = -1;  // IsCivilityAt: -1 unknown, 0 no, 1 yes
  int8_t common = -1;    // IsCommonWord of the lower-case form: -1 unknown, 0 no, 1 yes
  int8_t first = -1;     // InList(first names): -1 unknown, 0 no, 1 yes
  int8_t sur = -1;       // InList(surnames): -1 unknown, 0 no, 1 yes
  int8_t stop = -1;      // IsStop: -1 unknown, 0 no, 1 yes
  uint64_t hash = 0;     // HashWord of the lower-case form
};

// End of the run of ASCII lower-case letters starting at `i`, eight bytes at a time.
size_t LowerAsciiRunEnd(std::string_view text, size_t i) {
  const size_t n = text.size();
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kHigh = 0x8080808080808080ull;
    while (i + 8 <= n) {
      uint64_t x;
      std::memcpy(&x, text.data() + i, 8);
      const uint64_t y = x & ~kHigh;  // 7 bits: the additions below cannot carry across bytes
      // High bit set in the bytes that are ASCII and in 'a'..'z'.
      const uint64_t lower =
          (y + 0x1F1F1F1F1F1F1F1Full) & ~(y + 0x0505050505050505ull) & ~x & kHigh;
      if (lower != kHigh) return i + static_cast<size_t>(std::countr_zero(~lower & kHigh)) / 8;
      i += 8;
    }
  }
  while (i < n && static_cast<unsigned char>(text[i] - 'a') < 26) ++i;
  return i;
}

// Word tokens of `text`, appended to `words` (cleared first).
void Tokenize(std::string_view text, std::vector<Word>* out) {
  std::vector<Word>& words = *out;
  words.clear();
  words.reserve(text.size() / 6 + 1);
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80 && !IsAsciiLetter(b)) {
      ++i;
      continue;
    }
    size_t len = 1;
    char32_t cp = DecodeAt(text, i, &len);
    if (!IsLetter(cp)) {
      i += len;
      continue;
    }
    Word& w = words.emplace_back();
    w.begin = i;
    w.cap = IsUpper(cp);
    bool all_upper = w.cap;
    while (i < n) {
      // Run of lower-case ASCII letters, the common case.
      size_t run = LowerAsciiRunEnd(text, i);
      if (run > i) {
        w.letters += static_cast<int>(run - i);
        all_upper = false;
        i = run;
        if (i >= n) break;
      }
      auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80 && IsAsciiLetter(c)) {
        ++w.letters;
        if (c <= 'Z') {
          w.has_upper = true;
        } else {
          all_upper = false;
        }
        ++i;
        continue;
      }
      // Other ASCII bytes end the word, except the joining apostrophe and hyphen below.
      if (c < 0x80 && c != '\'' && c != '-') break;
      cp = DecodeAt(text, i, &len);
      if (IsLetter(cp)) {
        ++w.letters;
        if (IsUpper(cp)) {
          w.has_upper = true;
        } else {
          all_upper = false;
        }
        i += len;
      } else if ((cp == '\'' || cp == 0x2019) && w.letters == 1 && w.cap && i + len < n) {
        // "N'Diaye", "O'Neill", "D'Artagnan": an apostrophe after a single capital letter joins
        // when a capital letter follows.
        size_t len2 = 1;
        char32_t next = DecodeAt(text, i + len, &len2);
        if (!IsUpper(next)) break;
        i += len;
      } else if (cp == '-' && i + 1 < n) {
        size_t len2 = 1;
        char32_t next = DecodeAt(text, i + 1, &len2);
        if (!IsLetter(next)) break;
        i += 1;
        w.has_dash = true;
      } else {
        break;
      }
    }
    w.end = i;
    w.all_caps = all_upper && w.letters >= 2;
  }
}

// util::Trim inline (same white space: " \t\r\n\f\v"); gaps between words are short.
bool IsTrimmedSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
std::string_view TrimGap(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && IsTrimmedSpace(s[b])) ++b;
  while (e > b && IsTrimmedSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// A line break in a gap between words (short: a loop, not a memchr call).
bool HasNewline(std::string_view gap) {
  for (char c : gap) {
    if (c == '\n') return true;
  }
  return false;
}

bool IsHorizontalSpace(std::string_view gap) {
  if (gap.empty()) return false;
  const size_t n = gap.size();
  size_t i = 0;
  while (i < n) {
    auto c = static_cast<unsigned char>(gap[i]);
    if (c == ' ' || c == '\t') {
      ++i;
    } else if (c == 0xC2 && i + 1 < n && static_cast<unsigned char>(gap[i + 1]) == 0xA0) {
      i += 2;  // no-break space
    } else if (c == 0xE2 && i + 2 < n && static_cast<unsigned char>(gap[i + 1]) == 0x80 &&
               static_cast<unsigned char>(gap[i + 2]) == 0xAF) {
      i += 3;  // narrow no-break space
    } else {
      return false;
    }
  }
  return true;
}

// "." or ". " or " " after an abbreviation.
bool IsAbbrevGap(std::string_view gap) {
  if (!gap.empty() && gap[0] == '.') gap.remove_prefix(1);
  return gap.empty() ? false : IsHorizontalSpace(gap);
}

bool IsApostropheGap(std::string_view gap) { return gap == "'" || gap == "\xE2\x80\x99"; }

void LoadList(const std::filesystem::path& path, bool require, WordSet* set, Status* status) {
  auto content = util::ReadFile(path, 8u << 20);
  if (!content.ok()) {
    if (require || content.status().code() != StatusCode::kNotFound) {
      *status = content.status().WithContext("privacy word list");
    }
    return;
  }
  if (!util::IsValidUtf8(*content)) {
    *status = InvalidArgument("privacy word list is not valid UTF-8: " + path.string());
    return;
  }
  std::string_view rest = *content;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = util::Trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    set->insert(LowerFrench(line));
  }
}

}  // namespace

struct NameDetector::Lists {
  WordSet first_names;
  WordSet surnames;
  WordSet ambiguous;
  WordSet common;                    // lower-case stems of ordinary French words
  WordSet places;                    // capitalised proper nouns that are not person names
  std::unique_ptr<NameModel> model;  // null: rules only
  float model_threshold = 0.25f;
  float model_veto = 0.05f;
  float model_join_threshold = 0.05f;
};

namespace {

// Lower-case words after which a capitalised unknown word is more likely a place or an
// organisation than a person ("à Liévin", "rue Lafayette", "de Denain").
const WordSet& PlaceCueWords() {
  static const WordSet kSet = MakeSet({
      "à",        "a",       "au",        "aux",         "de",        "d",         "du",
      "des",      "la",      "le",        "les",         "l",         "en",        "sur",
      "sous",     "vers",    "dans",      "pour",        "près",      "lès",       "les",
      "p",        "rue",     "boulevard", "avenue",      "quai",      "place",     "chemin",
      "route",    "impasse", "allée",     "cours",       "faubourg",  "square",    "ville",
      "village",  "commune", "canton",    "département", "région",    "pays",      "quartier",
      "port",     "gare",    "île",       "mont",        "lac",       "fleuve",    "rivière",
      "baie",     "golfe",   "cap",       "hôtel",       "café",      "journal",   "collège",
      "lycée",    "école",   "église",    "société",     "compagnie", "maison",    "habite",
      "habitant", "depuis",  "entre",     "autour",      "via",       "ministère",
  });
  return kSet;
}

const WordSet& StreetTypes() {
  static const WordSet kSet =
      MakeSet({"rue",     "avenue", "boulevard", "bd",        "quai",  "place",   "impasse",
               "allée",   "allées", "chemin",    "square",    "cours", "passage", "faubourg",
               "route",   "villa",  "cité",      "résidence", "lycée", "collège", "école",
               "hôpital", "stade",  "pont",      "gare"});
  return kSet;
}

// The fixed word lists, fetched once per scan (each accessor checks its initialisation guard).
struct FixedLists {
  const WordSet& stop = StopWords();
  const WordSet& civility = CivilityWords();
  const WordFilter& civility_filter = CivilityPrefilter();
  const WordSet& civility_abbreviations = CivilityAbbreviations();
  const WordSet& title_abbreviations = TitleAbbreviations();
  const WordSet& closing = ClosingWords();
  const WordFilter& closing_filter = ClosingPrefilter();
  const WordSet& street_types = StreetTypes();
  const WordSet& place_cues = PlaceCueWords();
  const WordSet& determiners = Determiners();
};
const FixedLists& Fixed() {
  static const FixedLists kLists;
  return kLists;
}

// Buffers reused from one Detect() call to the next on the same thread (no allocation per
// message once they have grown).
struct Scratch {
  std::vector<Word> words;
  std::string lower;
  std::vector<PiiSpan> spans;
  std::vector<PiiSpan> sorted;
  std::vector<uint64_t> hashes;
  std::vector<std::pair<uint64_t, size_t>> found;
  std::vector<char> in_rule;           // per word: covered by a rule's span
  std::vector<size_t> weak;            // indexes of spans from the unknown-capitalised-word rule
  std::vector<uint32_t> upper;         // indexes of the words with an upper-case letter, in order
  std::vector<char> drop;              // per span: vetoed by the model
  std::vector<float> prob;             // per word: model probability, -1 when not scored
  std::vector<uint64_t> named_hashes;  // see Scanner::JoinNames
  // Large inputs do not keep their buffers alive.
  void Trim(size_t text_size) {
    if (text_size <= (64u << 10)) return;
    words = {};
    lower = {};
    spans = {};
    sorted = {};
    hashes = {};
    found = {};
    in_rule = {};
    weak = {};
    drop = {};
    upper = {};
    prob = {};
    named_hashes = {};
  }
};

class Scanner {
 public:
  // `out` receives the spans; `scratch` holds the scanner's working buffers.
  Scanner(std::string_view text, const NameDetector::Lists& lists, Scratch* scratch,
          std::vector<PiiSpan>* out)
      : text_(text),
        model_(lists.model.get()),
        model_threshold_(lists.model_threshold),
        model_veto_(lists.model_veto),
        model_join_threshold_(lists.model_join_threshold),
        first_(lists.first_names),
        sur_(lists.surnames),
        amb_(lists.ambiguous),
        common_(lists.common),
        places_(lists.places),
        fixed_(Fixed()),
        out_(out),
        scratch_(*scratch),
        words_(scratch->words),
        lower_(scratch->lower) {
    Tokenize(text, &words_);
    scratch_.weak.clear();
    lower_.assign(text);
    // Words with an upper-case letter (every capitalised word among them), listed without a
    // branch per word: the loops over capitalised words walk this list.
    std::vector<uint32_t>& upper = scratch_.upper;
    upper.resize(words_.size());
    size_t count = 0;
    for (size_t k = 0; k < words_.size(); ++k) {
      upper[count] = static_cast<uint32_t>(k);
      count += words_[k].has_upper ? 1 : 0;
    }
    upper.resize(count);
    for (uint32_t k : upper) {
      const Word& w = words_[k];
      // ASCII letters inline; LowerFrenchInPlace from the first other byte (a lead byte).
      size_t i = w.begin;
      for (; i < w.end; ++i) {
        const auto c = static_cast<unsigned char>(lower_[i]);
        if (c >= 0x80) break;
        if (c >= 'A' && c <= 'Z') lower_[i] = static_cast<char>(c + 32);
      }
      if (i < w.end) LowerFrenchInPlace(lower_, i, w.end);
    }
  }

  void Run(const PseudonymizeHints& hints) {
    ScanWords();
    ScanSignatures();
    ScanHints(hints);
    if (model_ != nullptr) ApplyModel();
    ScanRepeats();
  }

  // Rules only, then one fastText training line per model candidate word:
  // "__label__name|__label__other feature...\n". `is_name(begin, end)` gives the gold label.
  template <typename IsName>
  void AppendTrainingExamples(IsName is_name, std::string* out) {
    ScanWords();
    ScanSignatures();
    MarkRuleWords();
    for (size_t k = 0; k < words_.size(); ++k) {
      if (!ModelCandidate(k)) continue;
      out->append(is_name(words_[k].begin, words_[k].end) ? "__label__name" : "__label__other");
      Features(k, [&](std::string_view f) {
        out->push_back(' ');
        out->append(f);
      });
      out->push_back('\n');
    }
  }

 private:
  // Spans are built without substr(): word offsets are in range by construction, and the
  // bounds check of substr() kept these hot accessors from being inlined.
  std::string_view Raw(size_t k) const {
    return std::string_view(text_.data() + words_[k].begin, words_[k].end - words_[k].begin);
  }
  // Lower-case form of word k (same byte span in the lower-cased copy of the text).
  std::string_view Lower(size_t k) const {
    return std::string_view(lower_.data() + words_[k].begin, words_[k].end - words_[k].begin);
  }
  uint64_t Hash(size_t k) {
    Word& w = words_[k];
    if (!w.hash_done) {
      w.hash = HashWord(Lower(k));
      w.hash_done = true;
    }
    return w.hash;
  }
  bool In(const WordSet& set, size_t k) { return set.contains(Lower(k), Hash(k)); }
  std::string_view GapBefore(size_t k) const {
    size_t from = k == 0 ? 0 : words_[k - 1].end;
    return std::string_view(text_.data() + from, words_[k].begin - from);
  }
  bool IsStop(size_t k) {
    int8_t& stop = words_[k].stop;
    if (stop < 0) stop = In(fixed_.stop, k) ? 1 : 0;
    return stop == 1;
  }

  // Capitalised word that can be part of a name.
  bool IsNameWord(size_t k) {
    if (k >= words_.size() || !words_[k].cap) return false;
    if (words_[k].letters < 2) return false;
    return !IsStop(k) && !IsCivilityAt(k);
  }
  bool IsInitial(size_t k) const {
    if (k + 1 >= words_.size() || words_[k].letters != 1 || !words_[k].cap) return false;
    std::string_view gap = GapBefore(k + 1);
    return gap.size() >= 2 && gap[0] == '.' && IsHorizontalSpace(gap.substr(1));
  }
  bool IsCivilityAt(size_t k) {
    if (words_[k].civility < 0) words_[k].civility = ComputeCivilityAt(k) ? 1 : 0;
    return words_[k].civility == 1;
  }
  bool ComputeCivilityAt(size_t k) {
    const Word& w = words_[k];
    const size_t len = w.end - w.begin;
    std::string_view raw = Raw(k);
    // Every abbreviation starts with one of these capitals.
    if (w.cap && len <= 4 && std::strchr("MDPVN", raw[0]) != nullptr &&
        fixed_.civility_abbreviations.contains(raw)) {
      return k + 1 < words_.size() && (IsAbbrevGap(GapBefore(k + 1)) || OcrCivilityGap(k + 1));
    }
    // Abbreviated titles: "lieut. Arnould", "cap. Latreille", "gén. Brun".
    if (len <= 6 && k + 1 < words_.size() && text_[w.end] == '.' && GapBefore(k + 1).size() >= 2 &&
        IsAbbrevGap(GapBefore(k + 1)) && fixed_.title_abbreviations.contains(Lower(k))) {
      return true;
    }
    if (w.letters < 2 || w.letters > 12) return false;
    std::string_view low = Lower(k);
    if (!MayContain(fixed_.civility_filter, low)) return false;
    return In(fixed_.civility, k);
  }
  // Gap before word k, after "M", that scanned text may show instead of "M. ": OCR and typing
  // slips such as "M, Dupont", "M* Dupont", "M- Dupont", "M' Dupont", "M0 Dupont" (1 to 3
  // punctuation marks or digits then a space, on the same line).
  bool OcrCivilityGap(size_t k) const {
    if (k == 0 || Raw(k - 1) != "M") return false;
    std::string_view gap = GapBefore(k);
    if (gap.size() < 2 || gap.size() > 4 || gap.back() != ' ') return false;
    for (size_t i = 0; i + 1 < gap.size(); ++i) {
      char c = gap[i];
      if (std::strchr(".,*-'\"`>:0123456789", c) == nullptr) return false;
    }
    return true;
  }
  // The given-name and surname answers are kept in the word (rules and model features ask
  // several times; these tables are large).
  bool InList(const WordSet& set, size_t k) {
    int8_t* cached = &set == &first_ ? &words_[k].first : &set == &sur_ ? &words_[k].sur : nullptr;
    if (cached == nullptr) return ComputeInList(set, k);
    if (*cached < 0) *cached = ComputeInList(set, k) ? 1 : 0;
    return *cached == 1;
  }
  bool ComputeInList(const WordSet& set, size_t k) {
    std::string_view low = Lower(k);
    if (In(set, k)) return true;
    // Compound given names: every hyphenated part is a given name (Jean-Baptiste).
    if (&set == &first_ && words_[k].has_dash) {
      size_t start = 0;
      while (start <= low.size()) {
        size_t dash = low.find('-', start);
        std::string_view part =
            low.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
        if (!set.contains(part)) return false;
        if (dash == std::string::npos) break;
        start = dash + 1;
      }
      return true;
    }
    return false;
  }

  bool IsCommonWord(std::string_view low) const {
    // Plural of an ordinary word ("Dépêches", "Travaux").
    const bool plural = low.size() > 3 && (low.back() == 's' || low.back() == 'x');
    std::string_view singular = plural ? low.substr(0, low.size() - 1) : std::string_view();
    // Direct look-ups first: they settle most ordinary words.
    if (common_.contains(low) || (plural && common_.contains(singular))) return true;
    return IsDerivedForm(low) || (plural && IsDerivedForm(singular));
  }
  // Feminine, verb or unaccented form of a listed ordinary word (the Dicollecte stems are masculine
  // singular): "nouvelle" (nouvel), "bonne" (bon), "grande" (grand), "heureuse" (heureux),
  // "vive" (vif), "première" (premier), "directrice" (directeur).
  bool IsDerivedForm(std::string_view low) const {
    char buf[64];
    if (low.size() + 3 > sizeof buf) return false;
    // Capitals often lose their accent: "Etat", "Ecole", "Eglise" are "état", "école"...
    if (low.size() >= 3 && low[0] == 'e') {
      std::memcpy(buf, "\xC3\xA9", 2);
      std::memcpy(buf + 2, low.data() + 1, low.size() - 1);
      if (common_.contains(std::string_view(buf, low.size() + 1))) return true;
    }
    if (IsVerbForm(low)) return true;
    if (low.size() < 4 || low.back() != 'e') return false;
    std::string_view stem = low.substr(0, low.size() - 1);
    if (common_.contains(stem)) return true;  // grande, petite
    auto with = [&](std::string_view head, std::string_view tail) {
      std::memcpy(buf, head.data(), head.size());
      std::memcpy(buf + head.size(), tail.data(), tail.size());
      return common_.contains(std::string_view(buf, head.size() + tail.size()));
    };
    auto ends = [&](std::string_view suffix) {
      return low.size() > suffix.size() + 1 &&
             low.compare(low.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    auto head = [&](size_t cut) { return low.substr(0, low.size() - cut); };
    if (ends("lle") || ends("nne") || ends("tte") || ends("sse")) {
      if (common_.contains(head(2))) return true;  // nouvelle, bonne, muette, grosse
    }
    if (ends("euse")) return with(head(4), "eux") || with(head(4), "eur");
    if (ends("ive")) return with(head(3), "if");
    if (ends("\xC3\xA8re")) return with(head(4), "er");  // -ère
    if (ends("trice")) return with(head(5), "teur");
    return false;
  }
  bool IsPlace(std::string_view low) const { return places_.contains(low); }
  // IsPlace(Lower(k)) with the word's cached hash.
  bool IsPlaceAt(size_t k) { return In(places_, k); }
  // IsCommonWord(Lower(k)), kept in the word (its derived forms cost several look-ups).
  bool CommonAt(size_t k) {
    Word& w = words_[k];
    if (w.common < 0) w.common = IsCommonWord(Lower(k)) ? 1 : 0;
    return w.common == 1;
  }

  // Capitalised word of 3+ letters that is neither an ordinary word, nor a known place or
  // institution, nor a function word: in running text, most such words are family names.
  bool IsUnknownProperNoun(size_t k) {
    const Word& w = words_[k];
    if (!w.cap || w.all_caps || w.letters < 3 || common_.empty()) return false;
    std::string_view low = Lower(k);
    if (IsStop(k) || CommonAt(k) || IsPlaceAt(k) || IsCivilityAt(k)) return false;
    if (w.has_dash) {
      const size_t dash = low.find('-');
      // "Saint-Brieuc", "Grand-Blossac", "Pont-l'Abbé": compounds led by an ordinary word.
      std::string_view head = low.substr(0, dash);
      if (fixed_.stop.contains(head) || IsCommonWord(head) || IsPlace(head)) {
        return false;
      }
    }
    return true;
  }
  // Word k continues a sentence: only spaces, commas, semicolons or digits separate it from the
  // previous word (no full stop, colon, line break, bracket or quote).
  bool InsideSentence(size_t k) const {
    if (k == 0) return false;
    for (char c : GapBefore(k)) {
      if (c != ' ' && c != ',' && c != ';' && c != '\t' && (c < '0' || c > '9')) return false;
    }
    return true;
  }
  // Past participle, imperative or imperfect of a listed first-group verb: "arrivé(e)(s)",
  // "continuez", "habitait", "demeurant" (infinitive "arriver", "continuer"...).
  bool IsVerbForm(std::string_view low) const {
    static constexpr std::string_view kEndings[] = {"\xC3\xA9",
                                                    "\xC3\xA9"
                                                    "e",
                                                    "\xC3\xA9s",
                                                    "\xC3\xA9"
                                                    "es",
                                                    "ez",
                                                    "ait",
                                                    "aient",
                                                    "ant"};
    char buf[64];
    for (std::string_view e : kEndings) {
      if (low.size() < e.size() + 3 || low.size() + 2 > sizeof buf ||
          low.compare(low.size() - e.size(), e.size(), e) != 0) {
        continue;
      }
      size_t stem = low.size() - e.size();
      std::memcpy(buf, low.data(), stem);
      std::memcpy(buf + stem, "er", 2);
      if (common_.contains(std::string_view(buf, stem + 2))) return true;
    }
    return false;
  }
  // Word k starts a sentence on the same line: the gap before it holds ".", "!" or "?".
  bool AfterSentenceEnd(size_t k) const {
    if (k == 0) return false;
    std::string_view gap = GapBefore(k);
    if (HasNewline(gap)) return false;
    return gap.find_first_of(".!?") != std::string_view::npos;
  }
  // Word k is followed by a comma or, on the same line, by a lower-case word: "Autret était
  // alcoolique", "Longuet, qui...". A sentence-initial unknown word followed by a capitalised
  // one is more often a heading or a place ("Dépêches Maritimes", "Lamballe TROUVE MORT").
  bool FollowedByClause(size_t k) const {
    if (k + 1 >= words_.size()) return false;
    std::string_view gap = GapBefore(k + 1);
    if (TrimGap(gap) == ",") return true;
    return (IsHorizontalSpace(gap) || IsApostropheGap(gap)) && !words_[k + 1].has_upper &&
           words_[k + 1].letters >= 2;
  }
  // Name word that is not a known place, nor an ordinary word unless it is a listed name.
  bool LikelyNameWord(size_t k) {
    if (IsInitial(k) || IsCapParticle(k)) return true;
    if (InList(first_, k) || InList(sur_, k)) return true;
    return !IsPlaceAt(k) && !CommonAt(k);
  }
  bool AfterStreetType(size_t k) {
    if (k == 0 || !IsHorizontalSpace(GapBefore(k))) return false;
    return In(fixed_.street_types, k - 1);
  }
  bool AfterPlaceCue(size_t k) {
    if (k == 0) return false;
    const Word& prev = words_[k - 1];
    if (prev.cap) return false;
    std::string_view gap = GapBefore(k);
    if (!IsHorizontalSpace(gap) && !IsApostropheGap(gap)) return false;
    return fixed_.place_cues.contains(Raw(k - 1));
  }

  bool IsCapParticle(size_t k) const {
    std::string_view raw = Raw(k);
    return !raw.empty() && raw[0] >= 'A' && raw[0] <= 'Z' && IsParticle(raw);
  }
  // A name can start at k: name word, initial, or "Le Guennec", "De Gaulle", "Van Damme".
  bool StartsName(size_t k) {
    if (k >= words_.size()) return false;
    if (IsNameWord(k) || IsInitial(k)) return true;
    bool particle = IsCapParticle(k) || Raw(k) == "de" || Raw(k) == "d" || Raw(k) == "du";
    return particle && k + 1 < words_.size() &&
           (IsHorizontalSpace(GapBefore(k + 1)) || IsApostropheGap(GapBefore(k + 1))) &&
           IsNameWord(k + 1);
  }

  // Extends a name starting at word k (name word or initial); returns the last word index.
  size_t GrowName(size_t k) {
    size_t last = k;
    int count = 1;
    size_t m = k + 1;
    while (m < words_.size() && count < 5) {
      std::string_view gap = GapBefore(m);
      bool after_initial = words_[last].letters == 1 && IsAbbrevGap(gap);
      bool glued = IsHorizontalSpace(gap) || after_initial || IsApostropheGap(gap);
      if (!glued) break;
      if (IsNameWord(m) || IsInitial(m)) {
        last = m;
        ++m;
        ++count;
        continue;
      }
      // Particle(s) followed by a name word: "de la Fontaine", "d'Estaing".
      size_t p = m;
      while (p < words_.size() && p < m + 2 && IsParticle(Raw(p)) &&
             (p == m || IsHorizontalSpace(GapBefore(p)) || IsApostropheGap(GapBefore(p)))) {
        ++p;
      }
      if (p > m && p < words_.size() &&
          (IsHorizontalSpace(GapBefore(p)) || IsApostropheGap(GapBefore(p))) && IsNameWord(p)) {
        last = p;
        m = p + 1;
        ++count;
        continue;
      }
      break;
    }
    return last;
  }

  void Emit(size_t first_word, size_t last_word) {
    out_->push_back({PiiType::kName, words_[first_word].begin, words_[last_word].end});
  }

  // Emits the name starting at k and any "et <Name>" that follows; returns the next word index.
  size_t EmitNameAndCoordinated(size_t k) {
    size_t last = GrowName(k);
    Emit(k, last);
    return EmitCoordinated(last + 1);
  }

  // After a name ending before word `next`: names listed with "," or "et". Returns the next word.
  size_t EmitCoordinated(size_t next) {
    size_t last = next - 1;
    while (next < words_.size()) {
      // "MM. Sarrien et Clemenceau", "Trousselier, Pottier et Passerieu".
      size_t after = next;
      std::string_view gap = GapBefore(next);
      if (Raw(next) == "et" && IsHorizontalSpace(gap) && next + 1 < words_.size() &&
          IsHorizontalSpace(GapBefore(next + 1))) {
        after = next + 1;
      } else if (TrimGap(gap) != ",") {
        break;
      }
      // "M. et Mme Dupont": skip a civility after "et".
      if (IsCivilityAt(after) && after + 1 < words_.size()) ++after;
      // A listed name starts with a capital and is not a place or an ordinary word
      // ("Auffray, de Dinan, et Charpentier": "de Dinan" is where he comes from).
      if (!words_[after].cap || !StartsName(after) || !LikelyNameWord(after)) break;
      last = GrowName(after);
      Emit(after, last);
      next = last + 1;
    }
    return next;
  }

  void ScanWords() {
    const size_t n = words_.size();
    size_t k = 0;
    while (k < n) {
      const Word& w = words_[k];
      // Civility or title cue, possibly chained ("M. et Mme", "Monsieur le docteur").
      if (IsCivilityAt(k)) {
        // "M. le docteur Perrin", "M. le chanoine Hamard": the title between the civility and
        // the name is masked with the name (not "Monsieur le Directeur" alone: no name follows).
        if (k + 3 < n && (Raw(k + 1) == "le" || Raw(k + 1) == "la") &&
            IsHorizontalSpace(GapBefore(k + 2)) && IsCivilityAt(k + 2) && !words_[k + 2].cap &&
            IsHorizontalSpace(GapBefore(k + 3)) && words_[k + 3].cap && StartsName(k + 3)) {
          size_t last = GrowName(k + 3);
          Emit(k + 1, last);
          k = EmitCoordinated(last + 1);
          continue;
        }
        size_t j = k + 1;
        while (j + 1 < n && (IsCivilityAt(j) || Raw(j) == "et") && j < k + 4) {
          ++j;
        }
        if (j < n &&
            (IsHorizontalSpace(GapBefore(j)) || IsAbbrevGap(GapBefore(j)) || OcrCivilityGap(j)) &&
            StartsName(j)) {
          k = EmitNameAndCoordinated(j);
          continue;
        }
        // "M. Janvier", "Mme Paris": right after a civility, a capitalised word that is listed
        // as an ordinary or function word is still a surname, unless it is a title or a
        // determiner ("M. le Maire", "Monsieur Le Préfet").
        j = k + 1;
        if (j < n && words_[j].cap && words_[j].letters >= 3 && !IsCivilityAt(j) &&
            !IsParticle(Raw(j)) && !fixed_.determiners.contains(Lower(j)) &&
            (IsHorizontalSpace(GapBefore(j)) || IsAbbrevGap(GapBefore(j)) || OcrCivilityGap(j))) {
          k = EmitNameAndCoordinated(j);
          continue;
        }
        ++k;
        continue;
      }
      if (!w.cap) {
        // "Nom : dupont" fields accept lower-case values.
        ++k;
        continue;
      }
      std::string_view low = Lower(k);
      if ((low == "nom" || low == "prénom" || low == "prenom" || low == "noms") && k + 1 < n) {
        size_t j = k + 1;
        // Skip "et prénom", "de naissance", "d'usage" up to the colon.
        while (j < n && j < k + 4 && GapBefore(j).find(':') == std::string_view::npos) ++j;
        std::string_view gap = j < n ? GapBefore(j) : std::string_view();
        if (j < n && gap.find(':') != std::string_view::npos &&
            gap.find('\n') == std::string_view::npos) {
          size_t last = j;
          while (last + 1 < n && last < j + 3 && IsHorizontalSpace(GapBefore(last + 1)) &&
                 !IsStop(last + 1)) {
            ++last;
          }
          Emit(j, last);
          k = last + 1;
          continue;
        }
      }
      if (AfterStreetType(k)) {
        // "rue Victor-Hugo", "place Gambetta": a street, not a person.
        k = GrowName(k) + 1;
        continue;
      }
      if (w.letters >= 2 && InList(first_, k) && !IsStop(k)) {
        size_t first_word = k;
        // "DUPONT Jean": upper-case surname before the given name.
        // "DUPONT Jean", "LE GUENNEC Marie": upper-case surname words before the given name.
        while (first_word > 0 && first_word + 3 > k && words_[first_word - 1].all_caps &&
               IsHorizontalSpace(GapBefore(first_word)) &&
               (!IsStop(first_word - 1) || IsParticle(Lower(first_word - 1))) &&
               !IsCivilityAt(first_word - 1) &&
               (out_->empty() || out_->back().end <= words_[first_word - 1].begin)) {
          --first_word;
        }
        if (first_word + 1 == k && IsParticle(Lower(first_word))) first_word = k;
        size_t last = GrowName(k);
        bool ambiguous = In(amb_, k);
        if (last > k || first_word < k || !ambiguous) {
          Emit(first_word, last);
          k = EmitCoordinated(last + 1);
        } else {
          k = last + 1;
        }
        continue;
      }
      if (w.letters >= 2 && InList(sur_, k) && !In(amb_, k) && !IsStop(k)) {
        Emit(k, k);
        k = EmitCoordinated(k + 1);
        continue;
      }
      if (IsInitial(k) && IsNameWord(k + 1)) {
        k = EmitNameAndCoordinated(k);
        continue;
      }
      // Position checks first: they are cheaper than the word-list look-ups.
      if (w.cap && !w.all_caps && w.letters >= 3 &&
          ((InsideSentence(k) && !AfterPlaceCue(k)) ||
           (AfterSentenceEnd(k) && FollowedByClause(k))) &&
          IsUnknownProperNoun(k)) {
        // The weakest rule: the model, when loaded, may veto these spans.
        size_t before = out_->size();
        k = EmitNameAndCoordinated(k);
        for (size_t i = before; i < out_->size(); ++i) scratch_.weak.push_back(i);
        continue;
      }
      ++k;
    }
  }

  // "Cordialement,\nJean Dupont": the first non-empty line after a line holding a closing
  // formula (found through its key word: cordialement, salutations, distinguées, ...).
  void ScanSignatures() {
    size_t done_until = 0;
    for (size_t k = 0; k < words_.size(); ++k) {
      if (words_[k].begin < done_until || words_[k].letters < 4 || words_[k].letters > 16) {
        continue;
      }
      std::string_view low = Lower(k);
      bool closing = MayContain(fixed_.closing_filter, low) && In(fixed_.closing, k);
      if (!closing && low == "vous" && k >= 2 && Raw(k - 1) == "à") {
        closing = Lower(k - 2) == "bien";
      }
      if (!closing) continue;
      size_t nl = text_.find('\n', words_[k].end);
      if (nl == std::string_view::npos) return;
      done_until = nl;
      size_t start = nl + 1;
      for (int blank = 0; blank < 3 && start < text_.size(); ++blank) {
        size_t end = text_.find('\n', start);
        if (end == std::string_view::npos) end = text_.size();
        std::string_view next = TrimGap(text_.substr(start, end - start));
        if (next.empty()) {
          start = end + 1;
          continue;
        }
        MarkSignatureLine(start, end);
        break;
      }
    }
  }

  void MarkSignatureLine(size_t begin, size_t end) {
    auto it = std::lower_bound(words_.begin(), words_.end(), begin,
                               [](const Word& w, size_t b) { return w.begin < b; });
    size_t k = static_cast<size_t>(it - words_.begin());
    size_t first = words_.size();
    size_t last = words_.size();
    int count = 0;
    for (size_t m = k; m < words_.size() && words_[m].end <= end; ++m) {
      if (m > k && !IsHorizontalSpace(GapBefore(m)) && !IsAbbrevGap(GapBefore(m)) &&
          !IsApostropheGap(GapBefore(m))) {
        return;  // punctuation inside: not a bare name line
      }
      ++count;
      if (first == words_.size()) {
        if (IsCivilityAt(m)) continue;
        if (!words_[m].cap || IsStop(m)) return;
        first = m;
      } else if (!words_[m].cap && !IsParticle(Raw(m))) {
        return;
      }
      last = m;
    }
    if (first == words_.size() || count > 5) return;
    // Nothing but letters, spaces and dots on the line.
    for (size_t i = begin; i < end; ++i) {
      auto c = static_cast<unsigned char>(text_[i]);
      if (c >= '0' && c <= '9') return;
      if (c == '@' || c == ':' || c == ',' || c == '(' || c == '!' || c == '?') return;
    }
    Emit(first, last);
  }

  // A word recognised as part of a name somewhere in the text is a name wherever it appears
  // capitalised in the same text ("M. Allanet ... Allanet est condamné"): otherwise the second
  // mention would reach the model in clear.
  void ScanRepeats() {
    if (out_->empty()) return;
    std::vector<PiiSpan>& sorted = scratch_.sorted;
    sorted.assign(out_->begin(), out_->end());
    std::sort(sorted.begin(), sorted.end(),
              [](const PiiSpan& a, const PiiSpan& b) { return a.begin < b.begin; });
    // Walks the words and the sorted spans together (linear, no search per span): calls
    // f(k, inside) for each capitalised word of 3+ letters.
    auto for_each_cap_word = [&](auto f) {
      size_t si = 0;
      size_t covered_until = 0;
      for (uint32_t k : scratch_.upper) {
        const Word& w = words_[k];
        if (!w.cap || w.letters < 3) continue;
        // Word starts only grow: the spans can be consumed at the capitalised words alone.
        while (si < sorted.size() && sorted[si].begin <= w.begin) {
          covered_until = std::max(covered_until, sorted[si].end);
          ++si;
        }
        f(k, w.end <= covered_until);
      }
    };
    // Distinct words found inside names (hash, one occurrence), then those that qualify. The
    // word-list checks run once per distinct word: the lists are large and their look-ups
    // miss the cache.
    std::vector<std::pair<uint64_t, size_t>>& found = scratch_.found;
    found.clear();
    for_each_cap_word([&](size_t k, bool inside) {
      if (inside) found.emplace_back(Hash(k), k);
    });
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    found.erase(std::unique(found.begin(), found.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                found.end());
    std::vector<uint64_t>& names = scratch_.hashes;
    names.clear();
    uint64_t filter[16] = {};  // 1,024-bit filter over the hashes, to skip most searches
    for (const auto& [h, k] : found) {
      if (IsStop(k) || IsCivilityAt(k) || In(amb_, k) || IsPlaceAt(k)) continue;
      if (!InList(first_, k) && !InList(sur_, k) && CommonAt(k)) continue;
      names.push_back(h);  // still sorted
      filter[(h >> 6) & 15] |= uint64_t{1} << (h & 63);
    }
    if (names.empty()) return;
    for_each_cap_word([&](size_t k, bool inside) {
      if (inside) return;
      uint64_t h = Hash(k);
      if (((filter[(h >> 6) & 15] >> (h & 63)) & 1) == 0) return;
      if (std::binary_search(names.begin(), names.end(), h)) Emit(k, k);
    });
  }

  void ScanHints(const PseudonymizeHints& hints) {
    if (hints.sender_name.empty()) return;
    std::vector<std::string> parts;
    std::vector<Word> hint_words;
    Tokenize(hints.sender_name, &hint_words);
    for (const Word& hw : hint_words) {
      if (hw.letters < 2) continue;
      std::string low = util::ToLowerFrench(
          std::string_view(hints.sender_name).substr(hw.begin, hw.end - hw.begin));
      if (fixed_.stop.contains(low) || IsParticle(low)) continue;
      parts.push_back(std::move(low));
    }
    if (parts.empty()) return;
    for (size_t k = 0; k < words_.size(); ++k) {
      size_t len = words_[k].end - words_[k].begin;
      for (const std::string& p : parts) {
        if (p.size() == len && Lower(k) == p) {
          Emit(k, k);
          break;
        }
      }
    }
  }

  // Words the model scores: capitalised, 2+ letters, neither a civility nor a function word
  // other than a particle ("Le Bray").
  // The training text (newspaper columns) has no line breaks and few acronyms: words at the start
  // of a line ("Portable :", "NIR :"), short upper-case words (CAF, NIR) and upper-case labels
  // before a number ("SIRET : 4317...", "(SIRET 4317...)") are left to the rules; other
  // upper-case words are scored ("M. HOMET", "Me JOUGUET, notaire").
  bool ModelCandidate(size_t k) {
    const Word& w = words_[k];
    if (!w.cap || w.letters < 2) return false;
    if (w.all_caps && (w.letters < 4 || GapClass(k + 1) == ":" || GapClass(k + 1) == "9")) {
      return false;
    }
    if (k == 0 || HasNewline(GapBefore(k))) return false;
    return !IsCivilityAt(k) && (!IsStop(k) || IsParticle(Raw(k)));
  }

  // scratch_.in_rule[k] = 1 when a span found so far overlaps word k.
  void MarkRuleWords() {
    // Words are in order and do not overlap (their ends grow too): each span marks the words
    // from the first that ends after its start to the last that starts before its end.
    std::vector<char>& in_rule = scratch_.in_rule;
    in_rule.assign(words_.size(), 0);
    for (const PiiSpan& span : *out_) {
      auto it = std::upper_bound(words_.begin(), words_.end(), span.begin,
                                 [](size_t b, const Word& w) { return b < w.end; });
      for (auto k = static_cast<size_t>(it - words_.begin());
           k < words_.size() && words_[k].begin < span.end; ++k) {
        in_rule[k] = 1;
      }
    }
  }

  // A capitalised word the rules left alone becomes a name when the model says so.
  float ModelProbability(size_t k) {
    // All feature hashes first, their table slots prefetched, then the look-ups in feature
    // order (the same sum): the slot loads overlap instead of waiting one after the other.
    constexpr size_t kMaxFeatures = 64;
    uint64_t hashes[kMaxFeatures];
    size_t count = 0;
    Features(
        k, [&](std::string_view f) __attribute__((always_inline)) {
          const uint64_t h = NameFeatureHashPadded(f.data(), f.size());
          model_->Prefetch(h);
          if (count < kMaxFeatures) hashes[count++] = h;
        });
    float sum = 0;
    int known = 0;
    for (size_t i = 0; i < count; ++i) {
      float w = 0;
      if (model_->Weight(hashes[i], &w)) {
        sum += w;
        ++known;
      }
    }
    return model_->Probability(sum, known);
  }

  // A capitalised word the rules left alone becomes a name when the model says so; a span of the
  // weakest rule (unknown capitalised word) is dropped when the model gives none of its words
  // the veto probability.
  void ApplyModel() {
    MarkRuleWords();
    if (model_veto_ > 0 && !scratch_.weak.empty()) {
      std::vector<char>& drop = scratch_.drop;
      drop.assign(out_->size(), 0);
      bool any = false;
      for (size_t i : scratch_.weak) {
        const PiiSpan span = (*out_)[i];
        auto it = std::lower_bound(words_.begin(), words_.end(), span.begin,
                                   [](const Word& w, size_t b) { return w.begin < b; });
        float best = 0;
        for (size_t k = static_cast<size_t>(it - words_.begin());
             k < words_.size() && words_[k].end <= span.end && best < model_veto_; ++k) {
          if (ModelCandidate(k)) best = std::max(best, ModelProbability(k));
        }
        if (best < model_veto_) {
          drop[i] = 1;
          any = true;
        }
      }
      if (any) {
        size_t n = 0;
        for (size_t i = 0; i < out_->size(); ++i) {
          if (!drop[i]) (*out_)[n++] = (*out_)[i];
        }
        out_->resize(n);
        MarkRuleWords();
      }
    }
    std::vector<float>& prob = scratch_.prob;
    prob.assign(words_.size(), -1.0f);
    bool joinable = false;
    // ModelCandidate() holds capitalised words only.
    for (uint32_t k : scratch_.upper) {
      if (scratch_.in_rule[k] || !ModelCandidate(k)) continue;
      prob[k] = ModelProbability(k);
      if (prob[k] >= model_threshold_) {
        Emit(k, k);
        // A name for the words after it (their "previous word is a name" features) and for the
        // join pass below.
        scratch_.in_rule[k] = 1;
      } else if (prob[k] >= model_join_threshold_) {
        joinable = true;
      }
    }
    if (joinable) JoinNames();
  }

  // Words the model scored between the join threshold and the add threshold become names when
  // they touch a name ("Jean Vaillant") or are listed with one ("Lavergne et Vaillant",
  // "Héraud, Debru"); one pass from left to right, so a chain joins through its new names.
  void JoinNames() {
    const std::vector<float>& prob = scratch_.prob;
    std::vector<char>& name = scratch_.in_rule;
    const size_t n = words_.size();
    auto glued = [&](size_t k) {  // word k follows word k - 1 on the same line, space only
      return k > 0 && k < n && (IsHorizontalSpace(GapBefore(k)) || IsApostropheGap(GapBefore(k)));
    };
    auto listed = [&](size_t a, size_t b) {  // a < b: "A, B" or "A et B"
      if (b == a + 1) return util::Trim(GapBefore(b)) == ",";
      return b == a + 2 && Raw(a + 1) == "et" && glued(a + 1) && glued(b);
    };
    // Capitalised words already in a name (rules or model), for document-level consistency.
    std::vector<uint64_t>& named = scratch_.named_hashes;
    named.clear();
    for (size_t k = 0; k < n; ++k) {
      // Not particles ("Le Guennec" does not make every "Le" a name).
      if (name[k] && words_[k].cap && words_[k].letters >= 2 && !IsStop(k)) {
        named.push_back(Hash(k));
      }
    }
    std::sort(named.begin(), named.end());
    for (size_t k = 0; k < n; ++k) {
      if (name[k] || prob[k] < model_join_threshold_) continue;
      bool join = std::binary_search(named.begin(), named.end(), Hash(k)) ||
                  (k > 0 && name[k - 1] && (glued(k) || listed(k - 1, k))) ||
                  (k + 1 < n && name[k + 1] && (glued(k + 1) || listed(k, k + 1))) ||
                  (k >= 2 && name[k - 2] && listed(k - 2, k)) ||
                  (k + 2 < n && name[k + 2] && listed(k, k + 2));
      if (join) {
        Emit(k, k);
        name[k] = 1;
      }
    }
  }

  // Shape of word k: "X", "x", "XX", "Xx", "xX", with "-" when hyphenated; "^" / "$" outside.
  std::string_view Shape(size_t k) const {
    if (k >= words_.size()) return "$";
    const Word& w = words_[k];
    const bool dash = w.has_dash;
    if (w.letters == 1) return w.cap ? "X" : "x";
    if (w.all_caps) return dash ? "XX-" : "XX";
    if (w.cap) return dash ? "Xx-" : "Xx";
    if (w.has_upper) return "xX";
    return dash ? "x-" : "x";
  }
  // Class of the gap before word k (k may be words_.size(): the end of the text).
  std::string_view GapClass(size_t k) const {
    size_t from = k == 0 ? 0 : words_[k - 1].end;
    size_t to = k < words_.size() ? words_[k].begin : text_.size();
    if (k == 0) return "^";
    std::string_view gap(text_.data() + from, to - from);
    if (gap.empty()) return "0";
    if (gap.find('\n') != std::string_view::npos) return "NL";
    std::string_view t = TrimGap(gap);
    if (t.empty()) return "_";
    auto c = static_cast<unsigned char>(t[0]);
    if (c >= '0' && c <= '9') return "9";
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return t.substr(0, std::min(len, t.size()));
  }
  // Lower-case form of word k cut to 24 bytes at a character boundary; "^" / "$" outside.
  std::string_view LowerCut(size_t k, bool before) const {
    if (k >= words_.size()) return before ? "^" : "$";
    return CutUtf8(Lower(k), 24, false);
  }
  // First (or last) `n` bytes of `s`, moved to a character boundary.
  static std::string_view CutUtf8(std::string_view s, size_t n, bool tail) {
    if (s.size() <= n) return s;
    if (!tail) {
      while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
      return s.substr(0, n);
    }
    size_t from = s.size() - n;
    while (from < s.size() && (static_cast<unsigned char>(s[from]) & 0xC0) == 0x80) ++from;
    return s.substr(from);
  }

  // Calls sink(feature) for each feature of word k (the same in training and detection); the 8
  // bytes after the feature are readable and zero.
  template <typename Sink>
  void Features(size_t k, Sink&& sink) {
    // A feature is the prefix and at most three parts of at most 24 bytes (LowerCut, CutUtf8,
    // gap classes, shapes, literals): at most 8 + 3 * 24 bytes, then 8 zero bytes.
    constexpr size_t kMax = 8 + 3 * 24;
    static_assert(std::endian::native == std::endian::little, "features built as 64-bit blocks");
    // The feature is built as 64-bit blocks in a register and stored eight bytes at a time:
    // NameFeatureHashPadded then reads each block from one store of the same size (byte-wise
    // stores read back as one eight-byte load would stall store-to-load forwarding).
    uint64_t blocks[kMax / 8 + 2];
    size_t nb = 0;     // blocks stored
    uint64_t acc = 0;  // bytes of the block being filled
    size_t fill = 0;   // how many (0..7)
    // Appends the m (1..8) low-order bytes of x (higher bytes zero).
    auto push = [&](uint64_t x, size_t m) __attribute__((always_inline)) {
      acc |= x << (8 * fill);
      if (fill + m >= 8) {
        blocks[nb++] = acc;
        acc = fill == 0 ? 0 : x >> (8 * (8 - fill));
        fill = fill + m - 8;
      } else {
        fill += m;
      }
    };
    // Appends a part: whole eight-byte loads, then the tail with at most two overlapping loads
    // (no byte past the part is read).
    auto append = [&](std::string_view part) __attribute__((always_inline)) {
      const char* src = part.data();
      size_t m = part.size();
      for (; m >= 8; m -= 8, src += 8) {
        uint64_t x;
        std::memcpy(&x, src, 8);
        push(x, 8);
      }
      if (m >= 4) {
        uint32_t a;
        uint32_t b;
        std::memcpy(&a, src, 4);
        std::memcpy(&b, src + m - 4, 4);
        push(a | uint64_t{b} << (8 * (m - 4)), m);
      } else if (m >= 2) {
        uint16_t a;
        uint16_t b;
        std::memcpy(&a, src, 2);
        std::memcpy(&b, src + m - 2, 2);
        push(a | uint64_t{b} << (8 * (m - 2)), m);
      } else if (m == 1) {
        push(static_cast<unsigned char>(*src), 1);
      }
    };
    // The prefix ("w:", "pwr:"...) is a literal of at most 8 bytes: one constant.
    auto put = [&]<size_t N>(const char(&prefix)[N], std::string_view b, std::string_view c = {},
                             std::string_view d = {}) __attribute__((always_inline)) {
      static_assert(N - 1 <= 8);
      uint64_t packed = 0;
      for (size_t i = 0; i + 1 < N; ++i) {
        packed |= uint64_t{static_cast<unsigned char>(prefix[i])} << (8 * i);
      }
      nb = 0;
      acc = 0;
      fill = 0;
      push(packed, N - 1);
      append(b);
      append(c);
      append(d);
      const size_t n = nb * 8 + fill;
      blocks[nb++] = acc;  // zero-padded
      blocks[nb] = 0;      // the 8 zero bytes after the feature
      sink(std::string_view(reinterpret_cast<const char*>(blocks), n));
    };
    const bool rule = scratch_.in_rule[k] != 0;
    const std::string_view r = rule ? "1" : "0";
    const std::string_view shape = Shape(k);
    const std::string_view low = Lower(k);
    const std::string_view gb = GapClass(k);
    const std::string_view ga = GapClass(k + 1);
    const std::string_view pw = k == 0 ? std::string_view("^") : LowerCut(k - 1, true);
    const std::string_view nw = LowerCut(k + 1, false);
    put("w:", CutUtf8(low, 24, false));
    put("s:", shape);
    put("p3:", CutUtf8(low, 3, false));
    put("x3:", CutUtf8(low, 3, true));
    put("x2:", CutUtf8(low, 2, true));
    put("pw:", pw);
    put("nw:", nw);
    put("ps:", k == 0 ? std::string_view("^") : Shape(k - 1));
    put("ns:", Shape(k + 1));
    put("pw2:", k < 2 ? std::string_view("^") : LowerCut(k - 2, true));
    put("nw2:", LowerCut(k + 2, false));
    put("gb:", gb);
    put("ga:", ga);
    put("r:", r);
    put("rg:", r, gb, shape);
    put("pwr:", pw, "|", r);
    put("gs:", gb, shape, ga);
    const bool first = InList(first_, k);
    const bool sur = InList(sur_, k);
    const bool stop = IsStop(k);
    const bool place = IsPlaceAt(k);
    const bool common = CommonAt(k);
    if (first) put("f:", "first");
    if (sur) put("f:", "sur");
    if (In(amb_, k)) put("f:", "amb");
    if (stop) put("f:", "stop");
    if (place) put("f:", "place");
    if (common) put("f:", "common");
    if (k > 0 && IsCivilityAt(k - 1)) put("f:", "civ");
    // Listed nowhere (the rules' "unknown capitalised word"), with its position.
    const bool oov = !first && !sur && !stop && !place && !common;
    put("oov:", oov ? "1" : "0", gb, Shape(k + 1));
    // Names found by the rules around the word ("MM. Gasq, Cordonnier, Carles").
    auto rule_at = [&](size_t j) { return j < words_.size() && scratch_.in_rule[j] != 0; };
    put("pr:", k >= 1 && rule_at(k - 1) ? "1" : "0", gb);
    put("pr2:", k >= 2 && rule_at(k - 2) ? "1" : "0");
    put("nr:", rule_at(k + 1) ? "1" : "0", ga);
    put("nr2:", rule_at(k + 2) ? "1" : "0");
    put("pwg:", pw, "|", gb);
    put("nwg:", nw, "|", ga);
    put("x4:", CutUtf8(low, 4, true));
    put("p4:", CutUtf8(low, 4, false));
    put("pp:", k < 2 ? std::string_view("^") : LowerCut(k - 2, true), "|", pw);
    for (size_t j = k >= 6 ? k - 6 : 0; j < k; ++j) {
      if (IsCivilityAt(j)) {
        put("f:", "civ6");
        break;
      }
    }
  }

  std::string_view text_;
  const NameModel* model_;  // null: rules only
  float model_threshold_;
  float model_veto_;
  float model_join_threshold_;
  const WordSet& first_;
  const WordSet& sur_;
  const WordSet& amb_;
  const WordSet& common_;
  const WordSet& places_;
  const FixedLists& fixed_;
  std::vector<PiiSpan>* out_;
  Scratch& scratch_;
  std::vector<Word>& words_;
  std::string& lower_;  // text_ with its words lower-cased (LowerFrench), same length
};

}  // namespace

NameDetector::NameDetector(std::unique_ptr<Lists> lists) : lists_(std::move(lists)) {}
NameDetector::NameDetector(NameDetector&&) noexcept = default;
NameDetector& NameDetector::operator=(NameDetector&&) noexcept = default;
NameDetector::~NameDetector() = default;

Result<NameDetector> NameDetector::Create(const std::filesystem::path& dir, bool require,
                                          const std::filesystem::path& model_file,
                                          float model_threshold, float model_veto,
                                          float model_join_threshold) {
  auto lists = std::make_unique<Lists>();
  lists->model_threshold = model_threshold;
  lists->model_veto = model_veto;
  lists->model_join_threshold = model_join_threshold;
  if (!model_file.empty()) {
    PLUME_ASSIGN_OR_RETURN(lists->model, NameModel::Load(model_file));
  }
  Status status;
  LoadList(dir / "first_names.txt", require, &lists->first_names, &status);
  if (status.ok()) LoadList(dir / "surnames.txt", require, &lists->surnames, &status);
  if (status.ok()) LoadList(dir / "ambiguous_names.txt", require, &lists->ambiguous, &status);
  // Optional lists generated from the Dicollecte dictionary (import-dicollecte.sh).
  WordSet given;
  WordSet family;
  if (status.ok()) LoadList(dir / "dicollecte_common_words.txt", false, &lists->common, &status);
  if (status.ok()) LoadList(dir / "dicollecte_proper_nouns.txt", false, &lists->places, &status);
  if (status.ok()) LoadList(dir / "dicollecte_given_names.txt", false, &given, &status);
  if (status.ok()) LoadList(dir / "dicollecte_surnames.txt", false, &family, &status);
  if (!status.ok()) return status;
  // A name from these lists that is also an ordinary word or a place (Olivier, Rose, Lens) needs
  // supporting context, like the hand-made ambiguous list.
  auto merge = [&](const WordSet& from, WordSet* into) {
    from.ForEach([&](std::string_view w) {
      if (into->contains(w)) return;
      into->insert(w);
      if (lists->common.contains(w) || lists->places.contains(w)) lists->ambiguous.insert(w);
    });
  };
  merge(given, &lists->first_names);
  merge(family, &lists->surnames);
  return NameDetector(std::move(lists));
}

size_t NameDetector::first_name_count() const { return lists_->first_names.size(); }

bool NameDetector::has_model() const { return lists_->model != nullptr; }

void NameDetector::AppendTrainingExamples(std::string_view text,
                                          const std::function<bool(size_t, size_t)>& is_name,
                                          std::string* out) const {
  Scratch scratch;
  std::vector<PiiSpan> spans;
  Scanner scanner(text, *lists_, &scratch, &spans);
  scanner.AppendTrainingExamples(is_name, out);
}

void NameDetector::Detect(std::string_view text, const PseudonymizeHints& hints,
                          std::vector<PiiSpan>* out) const {
  thread_local Scratch scratch;
  std::vector<PiiSpan>& spans = scratch.spans;
  spans.clear();
  {
    Scanner scanner(text, *lists_, &scratch, &spans);
    scanner.Run(hints);
  }
  std::sort(spans.begin(), spans.end(), [](const PiiSpan& a, const PiiSpan& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  // Merge overlapping spans and spans separated only by horizontal space ("Jean" + "Dupont").
  const size_t first = out->size();
  for (const PiiSpan& s : spans) {
    if (out->size() > first) {
      PiiSpan& last = out->back();
      if (s.begin <= last.end || IsHorizontalSpace(text.substr(last.end, s.begin - last.end))) {
        last.end = std::max(last.end, s.end);
        continue;
      }
    }
    out->push_back(s);
  }
  scratch.Trim(text.size());
}

}  // namespace plume::privacy
