#include "privacy/validators.h"

#include <array>
#include <cstdint>
#include <utility>

namespace plume::privacy {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string DigitsOnly(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (IsDigit(c)) out.push_back(c);
  }
  return out;
}

// Remainder of a long decimal string modulo 97.
int Mod97(std::string_view digits) {
  int rem = 0;
  for (char c : digits) rem = (rem * 10 + (c - '0')) % 97;
  return rem;
}

constexpr std::array<std::pair<std::string_view, int>, 62> kIbanLengths = {{
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
    {"BG", 22}, {"BH", 22}, {"BR", 29}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IS", 26}, {"IT", 27},
    {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31},
    {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25},
    {"QA", 29}, {"RO", 24}, {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
}};

}  // namespace

std::string CompactAlnum(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (IsDigit(c) || (c >= 'A' && c <= 'Z')) {
      out.push_back(c);
    } else if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    }
  }
  return out;
}

bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    if (!IsDigit(digits[i])) return false;
    int d = digits[i] - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool IsValidNir(std::string_view text) {
  std::string c = CompactAlnum(text);
  if (c.size() != 15) return false;
  if (c[0] != '1' && c[0] != '2' && c[0] != '3' && c[0] != '4' && c[0] != '7' && c[0] != '8') {
    return false;
  }
  // Corsica: department "2A" counts as 19, "2B" as 18 (equivalent to subtracting 1,000,000 /
  // 2,000,000 from the number with 20 in place of 2A/2B).
  if (c[5] == '2' && (c[6] == 'A' || c[6] == 'B')) {
    c[5] = '1';
    c[6] = c[6] == 'A' ? '9' : '8';
  }
  for (char ch : c) {
    if (!IsDigit(ch)) return false;
  }
  int key = (c[13] - '0') * 10 + (c[14] - '0');
  return key == 97 - Mod97(std::string_view(c).substr(0, 13));
}

int IbanLength(std::string_view country) {
  if (country.size() != 2) return 0;
  // Codes compared as 16-bit integers (no string compare per entry).
  static constexpr std::array<uint16_t, kIbanLengths.size()> kKeys = [] {
    std::array<uint16_t, kIbanLengths.size()> keys{};
    for (size_t i = 0; i < keys.size(); ++i) {
      keys[i] = static_cast<uint16_t>(static_cast<unsigned char>(kIbanLengths[i].first[0]) << 8 |
                                      static_cast<unsigned char>(kIbanLengths[i].first[1]));
    }
    return keys;
  }();
  const auto key = static_cast<uint16_t>(static_cast<unsigned char>(country[0]) << 8 |
                                         static_cast<unsigned char>(country[1]));
  for (size_t i = 0; i < kKeys.size(); ++i) {
    if (kKeys[i] == key) return kIbanLengths[i].second;
  }
  return 0;
}

bool IsValidIban(std::string_view text) {
  std::string c = CompactAlnum(text);
  if (c.size() < 15 || c.size() > 34) return false;
  if (c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || !IsDigit(c[2]) || !IsDigit(c[3])) {
    return false;
  }
  int expected = IbanLength(std::string_view(c).substr(0, 2));
  if (expected != 0 && static_cast<int>(c.size()) != expected) return false;
  // Move the first four characters to the end, letters become 10..35, then mod 97 must be 1.
  int rem = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    const char ch = c[(i + 4) % c.size()];
    if (IsDigit(ch)) {
      rem = (rem * 10 + (ch - '0')) % 97;
    } else {
      rem = (rem * 100 + (ch - 'A' + 10)) % 97;
    }
  }
  return rem == 1;
}

bool IsValidSiret(std::string_view text) {
  std::string d = DigitsOnly(text);
  if (d.size() != 14 || CompactAlnum(text).size() != 14) return false;
  if (LuhnValid(d)) return true;
  if (d.compare(0, 9, "356000000") == 0) {
    int sum = 0;
    for (char ch : d) sum += ch - '0';
    return sum % 5 == 0;
  }
  return false;
}

bool IsValidSiren(std::string_view text) {
  std::string d = DigitsOnly(text);
  return d.size() == 9 && CompactAlnum(text).size() == 9 && LuhnValid(d);
}

bool IsValidFrenchPhone(std::string_view text) {
  std::string d = DigitsOnly(text);
  size_t plus = text.find('+');
  if (plus != std::string_view::npos || d.rfind("0033", 0) == 0) {
    // International form: 33, optional (0), then 9 digits.
    if (d.rfind("0033", 0) == 0) d.erase(0, 2);
    if (d.rfind("33", 0) != 0) return false;
    d.erase(0, 2);
    if (d.size() == 10 && d[0] == '0') d.erase(0, 1);  // "+33 (0)6 ..."
    if (d.size() != 9) return false;
    d.insert(d.begin(), '0');
  }
  return d.size() == 10 && d[0] == '0' && d[1] >= '1' && d[1] <= '9';
}

namespace {

// Position in a text for the shape matchers: each step consumes what it matches or fails.
class ShapeCursor {
 public:
  explicit ShapeCursor(std::string_view text) : text_(text) {}
  size_t pos() const { return pos_; }
  bool At(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool DigitAt(size_t offset) const {
    return pos_ + offset < text_.size() && IsDigit(text_[pos_ + offset]);
  }
  // `n` digits.
  bool Digits(int n) {
    for (int k = 0; k < n; ++k) {
      if (!DigitAt(0)) return false;
      ++pos_;
    }
    return true;
  }
  // One byte among `set`, when present ("[ .-]?").
  void Optional(std::string_view set) {
    if (pos_ < text_.size() && set.find(text_[pos_]) != std::string_view::npos) ++pos_;
  }
  bool Literal(std::string_view s) {
    if (text_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  bool OneOf(std::string_view set) {
    if (pos_ >= text_.size() || set.find(text_[pos_]) == std::string_view::npos) return false;
    ++pos_;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

size_t MatchFrenchPhoneShape(std::string_view text) {
  ShapeCursor c(text);
  if (c.Literal("00")) {
    // "0" then [1-9] cannot match "00": only the international prefix can.
    c.Optional(" .-");
    if (!c.Literal("33")) return 0;
    c.Optional(" .-");
    if (c.Literal("(0)")) c.Optional(" .-");
  } else if (!c.Literal("0")) {
    return 0;
  }
  if (!c.OneOf("123456789")) return 0;
  for (int k = 0; k < 4; ++k) {
    c.Optional(" .-");
    if (!c.Digits(2)) return 0;
  }
  return c.pos();
}

size_t MatchNirShape(std::string_view text) {
  ShapeCursor c(text);
  if (!c.OneOf("123478")) return 0;
  c.Optional(" .-");
  if (!c.Digits(2)) return 0;
  c.Optional(" .-");
  if (!c.Digits(2)) return 0;
  c.Optional(" .-");
  if (!(c.DigitAt(0) && c.DigitAt(1) ? c.Digits(2) : c.Literal("2") && c.OneOf("ABab"))) {
    return 0;
  }
  c.Optional(" .-");
  if (!c.Digits(3)) return 0;
  c.Optional(" .-");
  if (!c.Digits(3)) return 0;
  c.Optional(" .-");
  if (!c.Digits(2)) return 0;
  return c.pos();
}

size_t MatchSiretShape(std::string_view text) {
  ShapeCursor c(text);
  for (int k = 0; k < 3; ++k) {
    if (!c.Digits(3)) return 0;
    c.Optional(" .");
  }
  return c.Digits(5) ? c.pos() : 0;
}

size_t MatchSirenShape(std::string_view text) {
  ShapeCursor c(text);
  for (int k = 0; k < 3; ++k) {
    if (k > 0) c.Optional(" .");
    if (!c.Digits(3)) return 0;
  }
  return c.pos();
}

size_t MatchFiscalShape(std::string_view text) {
  ShapeCursor c(text);
  if (!c.OneOf("0123") || !c.Digits(1)) return 0;
  for (int k = 0; k < 11; ++k) {
    c.Optional(" ");
    if (!c.Digits(1)) return 0;
  }
  return c.pos();
}

size_t MatchCafNumberShape(std::string_view text) {
  ShapeCursor c(text);
  // First alternative, greedy: 8 digits, else 7.
  if (c.Digits(7)) return c.DigitAt(0) ? 8 : 7;
  ShapeCursor d(text);
  return d.Digits(3) && d.Literal(" ") && d.Digits(4) ? d.pos() : 0;
}

size_t MatchTaxNumberShape(std::string_view text) {
  ShapeCursor c(text);
  if (!c.Digits(1)) return 0;
  for (int k = 0; k < 12; ++k) {
    c.Optional(" ");
    if (!c.Digits(1)) return 0;
  }
  return c.pos();
}

}  // namespace plume::privacy
