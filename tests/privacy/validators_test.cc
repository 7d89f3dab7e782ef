#include "privacy/validators.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <string_view>

namespace plume::privacy {
namespace {

TEST(ValidatorsTest, Luhn) {
  EXPECT_TRUE(LuhnValid("732829320"));
  EXPECT_FALSE(LuhnValid("732829321"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("73282932a"));
}

TEST(ValidatorsTest, Nir) {
  EXPECT_TRUE(IsValidNir("1 85 05 78 006 084 91"));
  EXPECT_TRUE(IsValidNir("185057800608491"));
  EXPECT_FALSE(IsValidNir("185057800608492"));
  EXPECT_FALSE(IsValidNir("585057800608491"));  // first digit must be 1-4, 7 or 8
  EXPECT_FALSE(IsValidNir("18505780060849"));   // too short
}

TEST(ValidatorsTest, NirCorsica) {
  // 2 69 02 2A 123 456: N = 2690219123456, 2690219123456 mod 97 = 57 -> key 40.
  EXPECT_TRUE(IsValidNir("2 69 02 2A 123 456 40"));
  EXPECT_FALSE(IsValidNir("2 69 02 2A 123 456 41"));
}

TEST(ValidatorsTest, Iban) {
  EXPECT_TRUE(IsValidIban("FR76 3000 6000 0112 3456 7890 189"));
  EXPECT_TRUE(IsValidIban("fr7630006000011234567890189"));
  EXPECT_TRUE(IsValidIban("DE89 3704 0044 0532 0130 00"));
  EXPECT_TRUE(IsValidIban("GB82 WEST 1234 5698 7654 32"));
  EXPECT_TRUE(IsValidIban("BE68 5390 0754 7034"));
  EXPECT_FALSE(IsValidIban("FR76 3000 6000 0112 3456 7890 188"));  // wrong key
  EXPECT_FALSE(IsValidIban("FR76 3000 6000 0112 3456 7890 1"));    // wrong length
  EXPECT_EQ(IbanLength("FR"), 27);
  EXPECT_EQ(IbanLength("ZZ"), 0);
}

TEST(ValidatorsTest, SiretSiren) {
  EXPECT_TRUE(IsValidSiren("732 829 320"));
  EXPECT_FALSE(IsValidSiren("732 829 321"));
  EXPECT_TRUE(IsValidSiret("732 829 320 00074"));
  EXPECT_FALSE(IsValidSiret("732 829 320 00075"));
  // La Poste: SIREN 356000000, digits summing to a multiple of 5 (Luhn may fail).
  EXPECT_TRUE(IsValidSiret("35600000000100"));
  EXPECT_FALSE(IsValidSiret("35600000000101"));
}

TEST(ValidatorsTest, FrenchPhone) {
  EXPECT_TRUE(IsValidFrenchPhone("06 12 34 56 78"));
  EXPECT_TRUE(IsValidFrenchPhone("+33 6 12 34 56 78"));
  EXPECT_TRUE(IsValidFrenchPhone("+33 (0)6 12 34 56 78"));
  EXPECT_TRUE(IsValidFrenchPhone("0033 1 23 45 67 89"));
  EXPECT_FALSE(IsValidFrenchPhone("00 12 34 56 78"));
  EXPECT_FALSE(IsValidFrenchPhone("06 12 34 56 7"));
  EXPECT_FALSE(IsValidFrenchPhone("+44 6 12 34 56 78"));
}

// The hand-written shape matchers give RE2's anchored, leftmost-first match of the pattern they
// document, on random strings over the characters those patterns care about.
TEST(ValidatorsTest, ShapeMatchersAgreeWithTheirPatterns) {
  struct Case {
    const char* pattern;
    size_t (*shape)(std::string_view);
    std::string_view alphabet;
  };
  const Case cases[] = {
      {R"((?:00[ .-]?33[ .-]?(?:\(0\)[ .-]?)?|0)[1-9](?:[ .-]?\d{2}){4})", MatchFrenchPhoneShape,
       "0000333(). -12x"},
      {R"([1-478][ .-]?\d{2}[ .-]?\d{2}[ .-]?(?:\d{2}|2[ABab])[ .-]?\d{3}[ .-]?\d{3}[ .-]?\d{2})",
       MatchNirShape, "0123456789222 .-ABabx"},
      {R"(\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5})", MatchSiretShape, "0123456789 .-x"},
      {R"(\d{3}[ .]?\d{3}[ .]?\d{3})", MatchSirenShape, "0123456789 .-x"},
      {R"([0-3]\d(?: ?\d){11})", MatchFiscalShape, "0123456789  .x"},
      {R"(\d{7,8}|\d{3} \d{4})", MatchCafNumberShape, "0123456789  x"},
      {R"(\d(?: ?\d){12})", MatchTaxNumberShape, "0123456789  x"},
  };
  std::mt19937 rng(12345);
  for (const Case& c : cases) {
    RE2 re(c.pattern);
    ASSERT_TRUE(re.ok()) << c.pattern;
    int matches = 0;
    for (int n = 0; n < 200000; ++n) {
      std::string s;
      const size_t len = rng() % 28;
      // Mostly digits, so that long matches are frequent.
      for (size_t i = 0; i < len; ++i) {
        s.push_back(rng() % 3 == 0 ? c.alphabet[rng() % c.alphabet.size()]
                                   : static_cast<char>('0' + rng() % 10));
      }
      re2::StringPiece m;
      size_t expected =
          re.Match(s, 0, s.size(), RE2::ANCHOR_START, &m, 1) ? static_cast<size_t>(m.size()) : 0;
      ASSERT_EQ(c.shape(s), expected) << c.pattern << " on \"" << s << "\"";
      if (expected > 0) ++matches;
    }
    EXPECT_GT(matches, 100) << c.pattern;  // the comparison saw real matches
  }
}

}  // namespace
}  // namespace plume::privacy
