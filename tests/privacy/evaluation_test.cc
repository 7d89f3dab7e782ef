#include "privacy/evaluation.h"

#include <gtest/gtest.h>

#include <iostream>

#include "privacy/synthetic.h"
#include "testing/test_util.h"

namespace plume::privacy {
namespace {

Pseudonymizer MakePseudonymizer() {
  PseudonymizerConfig config;
  config.resource_dir = plume::testing::ResourceDir() / "privacy";
  auto p = Pseudonymizer::Create(config);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(p).value();
}

TEST(EvaluationTest, SyntheticStructuredRecallContract) {
  Pseudonymizer p = MakePseudonymizer();
  auto report = EvaluateSynthetic(p, GenerateSyntheticSet(20240501, 400));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::cout << report->FormatTable();
  EXPECT_GE(report->Structured().Recall(), 0.99);
}

TEST(EvaluationTest, NerNames) {
  Pseudonymizer p = MakePseudonymizer();
  auto report =
      EvaluateNer(p, plume::testing::SharedDataDir() / "ner-europeana-fr" / "enp_FR.bnf.bio");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::cout << report->FormatTable();
  // Regression floors, below the measured 0.843 recall / 0.676 precision (token level, whole
  // file); the goal of 0.90 recall is NOT met on this 1906 newspaper corpus. The
  // precision floor keeps a "mask every capitalised word" detector from passing.
  const TypeScores& names = report->by_type[static_cast<int>(PiiType::kName)];
  EXPECT_GT(names.gold, 5000);
  EXPECT_GE(names.Recall(), 0.82);
  EXPECT_GE(names.Precision(), 0.65);
}

TEST(EvaluationTest, NerHeldOutHalf) {
  // The name rules were tuned on the first half of the file (NerSplitPoint); the second half is
  // the held-out figure reported for issue #3 (rules only, measured: R 0.843, P 0.595; before
  // the second pass: R 0.797, P 0.608; with the statistical model see name_model_test.cc). Never
  // tune the rules on this half.
  Pseudonymizer p = MakePseudonymizer();
  auto tokens =
      ReadNerFile(plume::testing::SharedDataDir() / "ner-europeana-fr" / "enp_FR.bnf.bio");
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  size_t split = NerSplitPoint(*tokens);
  ASSERT_GT(split, tokens->size() / 2 - 1);
  ASSERT_LT(split, tokens->size());
  EXPECT_EQ((*tokens)[split - 1].text, ".");
  auto test = EvaluateNerTokens(p, *tokens, split, tokens->size());
  ASSERT_TRUE(test.ok()) << test.status().ToString();
  const TypeScores& names = test->by_type[static_cast<int>(PiiType::kName)];
  EXPECT_GT(names.gold, 2000);
  EXPECT_GE(names.Recall(), 0.82);
  EXPECT_GE(names.Precision(), 0.57);
}

TEST(EvaluationTest, NerTokenRangeMatchesWholeFileScoring) {
  Pseudonymizer p = MakePseudonymizer();
  std::vector<NerToken> tokens = {{"M.", false},    {"Dupont", true}, {"est", false},
                                  {"venu", false},  {".", false},     {"Il", false},
                                  {"pleut", false}, {".", false}};
  EXPECT_EQ(NerSplitPoint(tokens), 5u);
  std::vector<char> predicted;
  auto r = EvaluateNerTokens(p, tokens, 0, tokens.size(), &predicted);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(predicted.size(), tokens.size());
  EXPECT_EQ(predicted[1], 1);
  EXPECT_EQ(predicted[0], 0);
  const TypeScores& names = r->by_type[static_cast<int>(PiiType::kName)];
  EXPECT_EQ(names.gold, 1);
  EXPECT_EQ(names.found, 1);
  auto tail = EvaluateNerTokens(p, tokens, 5, tokens.size());
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->by_type[static_cast<int>(PiiType::kName)].gold, 0);
}

TEST(EvaluationTest, RealNerSentences) {
  Pseudonymizer p = MakePseudonymizer();
  // Sentences of the Europeana corpus (L'Ouest-Éclair, 1906), tokens joined as in EvaluateNer.
  std::vector<NerToken> tokens = {{"MM", false},   {".", false},          {"Sarrien", true},
                                  {"et", false},   {"Clemenceau", true},  {"se", false},
                                  {"sont", false}, {"entretenus", false}, {"avec", false},
                                  {"M.", false},   {"Alphonse", true},    {"Humbert", true},
                                  {".", false}};
  std::vector<std::pair<size_t, size_t>> spans;
  std::string text = JoinNerTokens(tokens, 0, tokens.size(), &spans);
  EXPECT_EQ(text, "MM. Sarrien et Clemenceau se sont entretenus avec M. Alphonse Humbert.");
  auto r = p.Pseudonymize(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "MM. [NOM_1] et [NOM_2] se sont entretenus avec M. [NOM_3].");
}

TEST(EvaluationTest, SyntheticSetIsDeterministicAndLabelled) {
  auto a = GenerateSyntheticSet(42, 20);
  auto b = GenerateSyntheticSet(42, 20);
  ASSERT_EQ(a.size(), 20u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].text, b[i].text);
    EXPECT_FALSE(a[i].spans.empty());
    for (const PiiSpan& s : a[i].spans) EXPECT_LT(s.begin, s.end);
  }
}

}  // namespace
}  // namespace plume::privacy
