#include "draft/grounding_guard.h"

#include <gtest/gtest.h>

namespace plume::draft {
namespace {

TEST(GroundingGuardTest, KeepsValuesFromSourcesAndMasksInventedOnes) {
  AllowedValues allowed;
  allowed.AddText(
      "Voir https://www.service-public.fr/particuliers/vosdroits/F1342 ou appelez le "
      "01 23 45 67 89, contact@ants.gouv.fr.");
  GuardReport r = CheckGrounding(
      "Consultez http://service-public.fr/particuliers/vosdroits/F1342/. Appelez le +33 1 23 45 67 "
      "89 ou écrivez à Contact@ANTS.gouv.fr. Sinon https://faux-site.example/aide, le "
      "06 11 22 33 44 ou faux@exemple.fr.",
      allowed);
  EXPECT_EQ(r.masked_urls, 1);
  EXPECT_EQ(r.masked_phones, 1);
  EXPECT_EQ(r.masked_emails, 1);
  EXPECT_EQ(r.warnings.size(), 3u);
  EXPECT_NE(r.text.find("http://service-public.fr/particuliers/vosdroits/F1342/."),
            std::string::npos);
  EXPECT_NE(r.text.find("+33 1 23 45 67 89"), std::string::npos);
  EXPECT_EQ(r.text.find("faux-site"), std::string::npos);
  EXPECT_EQ(r.text.find("06 11 22 33 44"), std::string::npos);
  EXPECT_EQ(r.text.find("faux@exemple.fr"), std::string::npos);
  EXPECT_NE(r.text.find("Sinon [lien à vérifier], le [téléphone à vérifier] ou "
                        "[adresse électronique à vérifier]."),
            std::string::npos);
  EXPECT_NE(r.warnings[0].find("https://faux-site.example/aide"), std::string::npos);
}

TEST(GroundingGuardTest, DigitsInsideAnAllowedLinkAreNotAPhone) {
  AllowedValues allowed;
  allowed.AddUrl("https://www.exemple.gouv.fr/demarche/0123456789");
  GuardReport r = CheckGrounding("Lien : https://www.exemple.gouv.fr/demarche/0123456789", allowed);
  EXPECT_EQ(r.masked_total(), 0);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(GroundingGuardTest, ShortServiceNumbersNeedACue) {
  AllowedValues allowed;
  allowed.AddText("Allô Service Public : appelez le 39 39.");
  EXPECT_EQ(CheckGrounding("Vous pouvez appeler le 39 39.", allowed).masked_phones, 0);
  EXPECT_EQ(CheckGrounding("Vous pouvez appeler le 3949.", allowed).masked_phones, 1);
  // Without a calling cue, four digits are a year or a count, not a phone number.
  EXPECT_EQ(CheckGrounding("Depuis 2019, 3949 demandes.", allowed).masked_phones, 0);
}

TEST(GroundingGuardTest, UnknownAmountsAreFlaggedNotMasked) {
  AllowedValues allowed;
  allowed.AddText("Le timbre fiscal coûte 86 € pour un passeport.");
  GuardReport r = CheckGrounding("Le timbre coûte 86 €, la carte 25 euros.", allowed);
  EXPECT_EQ(r.ungrounded_amounts, 1);
  EXPECT_EQ(r.masked_total(), 0);
  EXPECT_NE(r.text.find("25 euros"), std::string::npos);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("25 euros"), std::string::npos);
}

TEST(GroundingGuardTest, Normalisation) {
  EXPECT_EQ(NormalizeUrl("HTTPS://www.Service-Public.fr/a/"), "service-public.fr/a");
  EXPECT_EQ(NormalizeUrl("https://x.fr/a."), "x.fr/a");
  EXPECT_EQ(NormalizePhone("+33 (0)1 23 45 67 89"), "0123456789");
  EXPECT_EQ(NormalizePhone("0033 1 23 45 67 89"), "0123456789");
  EXPECT_EQ(NormalizePhone("01.23.45.67.89"), "0123456789");
  EXPECT_EQ(NormalizeAmount("1 500,00 €"), "1500");
  EXPECT_EQ(FindUrls("a https://x.fr/b, c").at(0), "https://x.fr/b");
  EXPECT_TRUE(FindEmails("aucun courriel ici").empty());
}

}  // namespace
}  // namespace plume::draft
