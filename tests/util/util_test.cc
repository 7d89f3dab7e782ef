#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>

#include "plume/status.h"
#include "testing/test_util.h"
#include "util/files.h"
#include "util/hash.h"
#include "util/text.h"

namespace plume {
namespace {

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = NotFound("document F999");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not_found: document F999");
  EXPECT_EQ(s.WithContext("show").message(), "show: document F999");
}

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  PLUME_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, ResultPropagation) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(TextTest, Utf8Validation) {
  EXPECT_TRUE(util::IsValidUtf8("Carte d'identité, œuvre, €, 😀"));
  EXPECT_TRUE(util::IsValidUtf8(""));
  EXPECT_FALSE(util::IsValidUtf8("\xff"));
  EXPECT_FALSE(util::IsValidUtf8("caf\xc3"));           // truncated sequence
  EXPECT_FALSE(util::IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(util::IsValidUtf8("\xed\xa0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(util::IsValidUtf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
}

TEST(TextTest, Utf8ValidationAtEveryOffsetOfLongAsciiRuns) {
  // ASCII is skipped 8 bytes at a time: a bad or good sequence must be seen wherever it falls.
  for (size_t at = 0; at <= 24; ++at) {
    std::string text(24, 'a');
    EXPECT_TRUE(util::IsValidUtf8(std::string(text).insert(at, "\xc3\xa9"))) << at;
    EXPECT_FALSE(util::IsValidUtf8(std::string(text).insert(at, "\xff"))) << at;
    EXPECT_FALSE(util::IsValidUtf8(std::string(text).insert(at, "\xc3"))) << at;
  }
}

TEST(TextTest, Excerpt) {
  EXPECT_EQ(util::Excerpt("  Bonjour,\n\n  ma carte\t expire.  ", 100),
            "Bonjour, ma carte expire.");
  EXPECT_EQ(util::Excerpt("Bonjour, ma carte expire.", 7), "Bonjour\u2026");
  EXPECT_EQ(util::Excerpt("Bonjour, ma carte", 8), "Bonjour,\u2026");
  EXPECT_EQ(util::Excerpt("Bonjour,   ma", 9), "Bonjour,\u2026");  // no trailing space
  EXPECT_EQ(util::Excerpt("Bonjour,   ma", 10), "Bonjour, m\u2026");
  EXPECT_EQ(util::Excerpt("été à Évry", 4), "été\u2026");            // counts code points
  EXPECT_EQ(util::Excerpt("caf\xc3 ok", 20), "caf\xef\xbf\xbd ok");  // U+FFFD
  EXPECT_EQ(util::Excerpt("", 5), "");
  EXPECT_EQ(util::Excerpt("exact", 5), "exact");
}

// The code point by code point definition of Excerpt, to check the run-based one against.
std::string ReferenceExcerpt(std::string_view text, size_t max_chars) {
  const std::u32string cps = util::DecodeCodePoints(text);
  auto space = [](char32_t cp) {
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x202F || cp == 0x2009 ||
           cp == 0x2007;
  };
  std::string out;
  size_t chars = 0;
  bool pending = false;
  for (char32_t cp : cps) {
    if (cp >= 0xDC80 && cp <= 0xDCFF) cp = 0xFFFD;  // an invalid byte
    if (space(cp)) {
      pending = !out.empty();
      continue;
    }
    const size_t needed = (pending ? 1 : 0) + 1;
    if (chars + needed > max_chars) return out + "\u2026";
    if (pending) out.push_back(' ');
    pending = false;
    util::AppendUtf8(&out, cp);
    chars += needed;
  }
  return out;
}

TEST(TextTest, ExcerptMatchesItsCodePointDefinitionOnRandomText) {
  const std::vector<std::string> pieces = {"a",
                                           "Bonjour",
                                           "x.",
                                           " ",
                                           "  ",
                                           "\n",
                                           "\t",
                                           "\r\n",
                                           "\xc2\xa0",
                                           "\xe2\x80\xaf",
                                           "\xc3\xa9",
                                           "\xe2\x82\xac",
                                           "\xf0\x9f\x98\x80",
                                           "\xff",
                                           "\xc3",
                                           "\x01"};
  std::mt19937 rng(20261124);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 30);
    for (int k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
    const size_t max_chars = rng() % 40;
    ASSERT_EQ(util::Excerpt(text, max_chars), ReferenceExcerpt(text, max_chars))
        << "text [" << text << "] max " << max_chars;
    ASSERT_EQ(util::NormalizeSpace(text), ReferenceExcerpt(text, SIZE_MAX)) << text;
  }
}

TEST(TextTest, NormalizeSpace) {
  EXPECT_EQ(util::NormalizeSpace("  a \t\n b\xc2\xa0:\xe2\x80\xaf c  "), "a b : c");
  EXPECT_EQ(util::NormalizeSpace(""), "");
}

TEST(TextTest, LowerAndFold) {
  EXPECT_EQ(util::ToLowerFrench("ÉTÉ À ŒUVRE Ç"), "été à œuvre ç");
  EXPECT_EQ(util::FoldAccents("été à œuvre ç"), "ete a oeuvre c");
}

TEST(TextTest, TruncateAtCodePointBoundary) {
  std::string s = "aé";  // 'a' + 2 bytes
  EXPECT_EQ(util::TruncateUtf8(s, 2), "a");
  EXPECT_EQ(util::TruncateUtf8(s, 3), "aé");
}

TEST(HashTest, DeterministicAndSensitive) {
  EXPECT_EQ(util::ContentHash("fiche"), util::ContentHash("fiche"));
  EXPECT_NE(util::ContentHash("fiche"), util::ContentHash("fiches"));
  EXPECT_EQ(util::ContentHash("").size(), 64u);
}

TEST(FilesTest, ReadErrors) {
  testing::TempDir dir;
  EXPECT_EQ(util::ReadFile(dir.path() / "missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(util::ReadFile(dir.path()).status().code(), StatusCode::kInvalidArgument);
  { std::ofstream(dir.path() / "big") << std::string(100, 'x'); }
  EXPECT_EQ(util::ReadFile(dir.path() / "big", 10).status().code(), StatusCode::kResourceExhausted);
  ASSERT_TRUE(util::WriteFileAtomic(dir.path() / "out", "contenu").ok());
  EXPECT_EQ(*util::ReadFile(dir.path() / "out"), "contenu");
}

}  // namespace
}  // namespace plume

TEST(TextTest, EditDistanceCountsCodePoints) {
  EXPECT_EQ(plume::util::EditDistance("", ""), 0);
  EXPECT_EQ(plume::util::EditDistance("abc", ""), 3);
  EXPECT_EQ(plume::util::EditDistance("", "é"), 1);
  EXPECT_EQ(plume::util::EditDistance("chat", "chats"), 1);
  EXPECT_EQ(plume::util::EditDistance("résumé", "resume"), 2);
  EXPECT_EQ(plume::util::EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(plume::util::EditDistance("sitting", "kitten"), 3);
  EXPECT_EQ(plume::util::EditDistance("Madame,", "Madame, Monsieur,"), 10);
}

TEST(TextTest, EditDistanceSkipsCommonEnds) {
  EXPECT_EQ(plume::util::EditDistance("", ""), 0);
  EXPECT_EQ(plume::util::EditDistance("abc", ""), 3);
  EXPECT_EQ(plume::util::EditDistance("", "été"), 3);
  EXPECT_EQ(plume::util::EditDistance("chat", "chats"), 1);
  EXPECT_EQ(plume::util::EditDistance("ete", "été"), 2);
  EXPECT_EQ(plume::util::EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(plume::util::EditDistance("œuvre", "oeuvre"), 2);
  EXPECT_EQ(plume::util::EditDistance("Bonjour Madame", "Bonjour Médame"), 1);
  EXPECT_EQ(plume::util::EditDistance("a\xff"
                                      "b",
                                      "ab"),
            1);
  std::string long_text(5000, 'x');
  std::string edited = long_text;
  edited[2500] = 'y';
  EXPECT_EQ(plume::util::EditDistance(long_text, edited), 1);
  EXPECT_EQ(plume::util::EditDistance(long_text, long_text + "é"), 1);
}

TEST(TextTest, LowerCasesLatinExtendedAPairs) {
  EXPECT_EQ(plume::util::ToLowerFrench("ŸVES ŒUVRE ĹĽŃŽ Ā"), "ÿves œuvre ĺľńž ā");
  EXPECT_EQ(plume::util::ToLowerFrench("ÿ œ ž"), "ÿ œ ž");
}

TEST(TextTest, HtmlEscape) {
  EXPECT_EQ(plume::util::HtmlEscape("<a href=\"x\">l'été & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;l&#39;été &amp; co&lt;/a&gt;");
}
