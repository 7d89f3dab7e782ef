#include "draft/addressee.h"

#include <gtest/gtest.h>

namespace plume::draft {
namespace {

TEST(AddresseeTest, FromSenderName) {
  Addressee a = DetectAddressee("Mme Claire Martin", "");
  EXPECT_EQ(a.civility, Civility::kMadame);
  EXPECT_EQ(a.Appellation(), "Madame Martin");
  EXPECT_EQ(a.ClosingCivility(), "Madame");
  EXPECT_EQ(DetectAddressee("M. DUPONT", "").Appellation(), "Monsieur Dupont");
  EXPECT_EQ(DetectAddressee("Monsieur Jean Le Goff", "").Appellation(), "Monsieur Le Goff");
  EXPECT_EQ(DetectAddressee("Madame ÉMILIE ÉTIENNE", "").Appellation(), "Madame Étienne");
}

TEST(AddresseeTest, FromSignature) {
  Addressee a = DetectAddressee("",
                                "Madame, Monsieur,\nJe souhaite renouveler ma carte.\n"
                                "Cordialement,\nMonsieur Paul Durand");
  EXPECT_EQ(a.civility, Civility::kMonsieur);
  EXPECT_EQ(a.Appellation(), "Monsieur Durand");
}

TEST(AddresseeTest, SalutationToTheAdministrationIsNotTheSender) {
  Addressee a = DetectAddressee("Claire Martin", "Madame, Monsieur,\nJe vous écris.\nMerci.");
  EXPECT_EQ(a.civility, Civility::kUnknown);
  EXPECT_EQ(a.Appellation(), "");
  EXPECT_EQ(a.ClosingCivility(), "Madame, Monsieur");
}

TEST(AddresseeTest, InitialOnlyGivesCivilityWithoutName) {
  EXPECT_EQ(DetectAddressee("Mme C.", "").Appellation(), "Madame");
}

}  // namespace
}  // namespace plume::draft
