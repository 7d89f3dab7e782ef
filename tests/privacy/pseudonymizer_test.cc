#include "privacy/pseudonymizer.h"

#include <gtest/gtest.h>

#include "testing/test_util.h"

namespace plume::privacy {
namespace {

class PseudonymizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PseudonymizerConfig config;
    config.resource_dir = plume::testing::ResourceDir() / "privacy";
    auto p = Pseudonymizer::Create(config);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    pseudonymizer_ = new Pseudonymizer(std::move(p).value());
  }
  static void TearDownTestSuite() {
    delete pseudonymizer_;
    pseudonymizer_ = nullptr;
  }
  static std::string Masked(std::string_view text, const PseudonymizeHints& hints = {}) {
    auto r = pseudonymizer_->Pseudonymize(text, hints);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->text : std::string();
  }
  static Pseudonymizer* pseudonymizer_;
};
Pseudonymizer* PseudonymizerTest::pseudonymizer_ = nullptr;

TEST_F(PseudonymizerTest, Smoke) {
  EXPECT_EQ(Masked("Bonjour, je suis M. Dupont, tél 06 12 34 56 78."),
            "Bonjour, je suis M. [NOM_1], tél [TEL_1].");
}

}  // namespace
}  // namespace plume::privacy
