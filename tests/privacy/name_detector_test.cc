#include "privacy/name_detector.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "privacy/pseudonymizer.h"
#include "testing/test_util.h"
#include "util/text.h"

namespace plume::privacy {
namespace {

class NameRulesTest : public ::testing::Test {
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
  static std::string Masked(std::string_view text) {
    auto r = pseudonymizer_->Pseudonymize(text);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->text : std::string();
  }
  static Pseudonymizer* pseudonymizer_;
};
Pseudonymizer* NameRulesTest::pseudonymizer_ = nullptr;

TEST_F(NameRulesTest, OrdinaryCapitalisedWordsAtSentenceStartAreNotMasked) {
  const std::string text =
      "Bonjour Madame,\nJe vous écris au sujet de mon dossier. Pourriez-vous me répondre ? "
      "Depuis janvier, rien. Malheureusement la Caisse ne répond pas. Vraiment désolé.\n"
      "Demande urgente. Attestation jointe. Question : Logement.";
  EXPECT_EQ(Masked(text), text);
}

TEST_F(NameRulesTest, PlacesAndInstitutionsInsideSentencesAreNotMasked) {
  for (const char* text :
       {"J'habite à Plouguerneau depuis 2010.", "La mairie de Plouguerneau est fermée.",
        "Je passe devant la place Gambetta tous les jours.",
        "Le dossier est à la Sécurité sociale et à la Préfecture.",
        "Nous irons en Bretagne, puis à Dinan."}) {
    EXPECT_EQ(Masked(text), text);
  }
}

TEST_F(NameRulesTest, UnknownCapitalisedWordInsideSentenceIsMasked) {
  // Not in any list: a capitalised word that is not an ordinary word, inside a sentence.
  EXPECT_EQ(Masked("J'ai parlé avec Trousselier hier."), "J'ai parlé avec [NOM_1] hier.");
  EXPECT_EQ(Masked("Les témoins, Kerandraon et Pottier, sont partis."),
            "Les témoins, [NOM_1] et [NOM_2], sont partis.");
  // The same word after a full stop (sentence start) is left: it may be any word.
  EXPECT_EQ(Masked("Fin. Trousselier"), "Fin. Trousselier");
}

TEST_F(NameRulesTest, UnknownWordStartingASentenceBeforeAClauseIsMasked) {
  // After a full stop, an unknown capitalised word followed by a lower-case word or a comma.
  EXPECT_EQ(Masked("Il est parti. Trousselier est revenu."), "Il est parti. [NOM_1] est revenu.");
  EXPECT_EQ(Masked("Fin. Trousselier, qui attendait, a signé."),
            "Fin. [NOM_1], qui attendait, a signé.");
  // Conjugated verbs, feminine forms and unaccented capitals of listed words are not names.
  for (const char* text : {"Bien reçu. Continuez ainsi.", "Colis perdu. Arrivée hier soir.",
                           "Dossier complet. Effrayée, elle a appelé.",
                           "Il est venu. Nouvelle demande faite.", "Voici une Ecole fermée."}) {
    EXPECT_EQ(Masked(text), text);
  }
}

TEST_F(NameRulesTest, CivilitySlipsAndAbbreviatedTitles) {
  // "boulanger" is an ordinary word: only the civility or title makes it a name.
  EXPECT_EQ(Masked("Reçu par M, Boulanger hier."), "Reçu par M, [NOM_1] hier.");
  EXPECT_EQ(Masked("Reçu par M* Boulanger hier."), "Reçu par M* [NOM_1] hier.");
  EXPECT_EQ(Masked("Le lieut. Boulanger est parti."), "Le lieut. [NOM_1] est parti.");
  EXPECT_EQ(Masked("Reçu par M. Janvier."), "Reçu par M. [NOM_1].");
  // Not after a determiner or a title.
  EXPECT_EQ(Masked("Monsieur le Maire, merci."), "Monsieur le Maire, merci.");
  EXPECT_EQ(Masked("Le boulanger est parti."), "Le boulanger est parti.");
}

TEST_F(NameRulesTest, ANameFoundOnceIsMaskedEverywhereInTheText) {
  // The second mention starts a line: only the first one's context shows it is a name.
  EXPECT_EQ(Masked("M. Kerandraon est venu.\nKerandraon a signé."),
            "M. [NOM_1] est venu.\n[NOM_1] a signé.");
  // Places and ordinary words are not spread this way.
  EXPECT_EQ(Masked("M. Kerandraon, de Brest.\nBrest est loin."),
            "M. [NOM_1], de Brest.\nBrest est loin.");
}

TEST_F(NameRulesTest, GivenNamesFromTheDicollecteList) {
  // "Aaliyah" is only in dicollecte_given_names.txt, not in the hand-made list.
  EXPECT_EQ(Masked("Ma fille Aaliyah est malade."), "Ma fille [NOM_1] est malade.");
}

TEST_F(NameRulesTest, OriginAfterANameIsNotAnotherName) {
  EXPECT_EQ(Masked("M. Auffray, de Dinan, et M. Charpentier."),
            "M. [NOM_1], de Dinan, et M. [NOM_2].");
}

TEST_F(NameRulesTest, CueWordsNeedAWordBoundaryAndNoLineBreak) {
  EXPECT_EQ(Masked("caf2 1234567"), "caf2 1234567");
  EXPECT_EQ(Masked("caf 1234567"), "caf [NUM_ALLOCATAIRE_1]");
  EXPECT_EQ(Masked("née\n12/03/1980"), "née\n12/03/1980");
  EXPECT_EQ(Masked("NÉE LE 1er mars 1990"), "NÉE LE [DATE_NAISSANCE_1]");
  EXPECT_EQ(Masked("IMPÔTS : 0123456789012"), "IMPÔTS : [NUM_FISCAL_1]");
  // More than 40 characters between the cue and the number.
  EXPECT_EQ(Masked("allocataire depuis bien longtemps, vraiment très longtemps 1234567"),
            "allocataire depuis bien longtemps, vraiment très longtemps 1234567");
}

TEST(LowerFrenchTest, MatchesUtilToLowerFrenchAndKeepsLength) {
  for (const char* s :
       {"", "ABC xyz", "ÉCOLE Élodie ÀÂÄÇÈÉÊËÎÏÔÖÙÛÜ ŒUVRE Œ", "İstanbul ĲĿ ĹĽŃŽ ĺľńž",
        "Ünïcödé €uro ×÷ ÞÐ", "ΑΒΓ абв", "MIXED case 12345 !?;", "AAAAAAAAAAAAAAAAé"}) {
    std::string lower = LowerFrench(s);
    EXPECT_EQ(lower, util::ToLowerFrench(s)) << s;
    EXPECT_EQ(lower.size(), std::string_view(s).size()) << s;
  }
  EXPECT_EQ(LowerFrench("\xC5\xB8"), "\xC3\xBF");  // Ÿ -> ÿ
  EXPECT_EQ(LowerFrench("\xC5\xB8"), util::ToLowerFrench("\xC5\xB8"));
}

TEST(NameDetectorListsTest, DicollecteListsAreOptional) {
  plume::testing::TempDir dir;
  for (const char* name : {"first_names.txt", "surnames.txt", "ambiguous_names.txt"}) {
    std::ofstream(dir.path() / name) << "# test\n";
  }
  std::ofstream(dir.path() / "first_names.txt") << "Gaspard\n";
  auto detector = NameDetector::Create(dir.path(), true);
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  EXPECT_EQ(detector->first_name_count(), 1u);
  std::vector<PiiSpan> spans;
  detector->Detect("Gaspard vient. J'ai vu Trousselier.", {}, &spans);
  // Without the common-word list, unknown capitalised words are not guessed.
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].begin, 0u);
  EXPECT_EQ(spans[0].end, 7u);
}

}  // namespace
}  // namespace plume::privacy
