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
}

}  // namespace
}  // namespace plume::privacy
