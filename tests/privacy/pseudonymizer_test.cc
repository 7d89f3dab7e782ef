#include "privacy/pseudonymizer.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "privacy/synthetic.h"

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


TEST_F(PseudonymizerTest, Emails) {
  EXPECT_EQ(Masked("Écrivez à jean.dupont+caf@orange.fr."), "Écrivez à [EMAIL_1].");
  EXPECT_EQ(Masked("mail:M.Durand_75@free.fr"), "mail:[EMAIL_1]");
}

TEST_F(PseudonymizerTest, PhonesInVariedFormats) {
  for (const char* phone : {"06 12 34 56 78", "06.12.34.56.78", "0612345678", "06-12-34-56-78",
                            "+33 6 12 34 56 78", "+33612345678", "0033 6 12 34 56 78",
                            "+33 (0)6 12 34 56 78", "01 2345 6789"}) {
    EXPECT_EQ(Masked(std::string("Tél : ") + phone + "."), "Tél : [TEL_1].") << phone;
  }
}

TEST_F(PseudonymizerTest, NirWithKeyIncludingCorsica) {
  EXPECT_EQ(Masked("NIR 1 85 05 78 006 084 91"), "NIR [NIR_1]");
  EXPECT_EQ(Masked("NIR 185057800608491."), "NIR [NIR_1].");
  EXPECT_EQ(Masked("NIR 2 69 02 2A 123 456 40"), "NIR [NIR_1]");
}

TEST_F(PseudonymizerTest, InvalidChecksumsAreMaskedButNotTyped) {
  // Wrong NIR key, wrong IBAN key, wrong SIRET Luhn: still masked, as [NUMERO_n].
  EXPECT_EQ(Masked("NIR 1 85 05 78 006 084 92"), "NIR [NUMERO_1]");
  EXPECT_EQ(Masked("IBAN FR76 3000 6000 0112 3456 7890 188 merci"), "IBAN [NUMERO_1] merci");
  EXPECT_EQ(Masked("SIRET 732 829 320 00075"), "SIRET [NUMERO_1]");
}

TEST_F(PseudonymizerTest, Ibans) {
  EXPECT_EQ(Masked("IBAN FR76 3000 6000 0112 3456 7890 189 MERCI"), "IBAN [IBAN_1] MERCI");
  EXPECT_EQ(Masked("RIB : fr7630006000011234567890189."), "RIB : [IBAN_1].");
  EXPECT_EQ(Masked("DE89 3704 0044 0532 0130 00"), "[IBAN_1]");
  EXPECT_EQ(Masked("GB82 WEST 1234 5698 7654 32"), "[IBAN_1]");
}

TEST_F(PseudonymizerTest, SiretSirenFiscalCaf) {
  EXPECT_EQ(Masked("SIRET 732 829 320 00074."), "SIRET [SIRET_1].");
  EXPECT_EQ(Masked("SIREN 732829320,"), "SIREN [SIREN_1],");
  EXPECT_EQ(Masked("numéro fiscal 12 34 567 890 123"), "numéro fiscal [NUM_FISCAL_1]");
  EXPECT_EQ(Masked("Mon numéro allocataire CAF : 1234567."),
            "Mon numéro allocataire CAF : [NUM_ALLOCATAIRE_1].");
  // Seven digits without a cue are left alone.
  EXPECT_EQ(Masked("Colis 1234567 reçu."), "Colis 1234567 reçu.");
}

TEST_F(PseudonymizerTest, BirthDatesNeedACue) {
  EXPECT_EQ(Masked("Je suis née le 3 mars 1985 à Lyon."), "Je suis née le [DATE_NAISSANCE_1] à Lyon.");
  EXPECT_EQ(Masked("Date de naissance : 12/03/1985"), "Date de naissance : [DATE_NAISSANCE_1]");
  EXPECT_EQ(Masked("né(e) le 1985-03-12"), "né(e) le [DATE_NAISSANCE_1]");
  EXPECT_EQ(Masked("Ma demande du 12/03/2024 est restée sans réponse."),
            "Ma demande du 12/03/2024 est restée sans réponse.");
}

TEST_F(PseudonymizerTest, Addresses) {
  EXPECT_EQ(Masked("J'habite 12 rue des Lilas, 75011 Paris depuis mai."),
            "J'habite [ADRESSE_1] depuis mai.");
  EXPECT_EQ(Masked("3 bis avenue Jean Jaurès\n69007 Lyon"), "[ADRESSE_1]");
  EXPECT_EQ(Masked("au 45, boulevard de la République."), "au [ADRESSE_1].");
}

TEST_F(PseudonymizerTest, Plates) {
  EXPECT_EQ(Masked("véhicule AB-123-CD verbalisé"), "véhicule [PLAQUE_1] verbalisé");
  EXPECT_EQ(Masked("véhicule AB 123 CD verbalisé"), "véhicule [PLAQUE_1] verbalisé");
  EXPECT_EQ(Masked("ancienne plaque 1234 AB 56."), "ancienne plaque [PLAQUE_1].");
}

TEST_F(PseudonymizerTest, NamesFromCivilitySignatureListsAndHints) {
  EXPECT_EQ(Masked("J'ai vu Mme Kerbrat hier."), "J'ai vu Mme [NOM_1] hier.");
  EXPECT_EQ(Masked("Monsieur le Maire, bonjour."), "Monsieur le Maire, bonjour.");
  EXPECT_EQ(Masked("Bonjour,\nmerci.\nCordialement,\nPaulin Vazquez-Ortiz\n"),
            "Bonjour,\nmerci.\nCordialement,\n[NOM_1]\n");
  EXPECT_EQ(Masked("Ma fille Chloé Tardieu est malade."), "Ma fille [NOM_1] est malade.");
  EXPECT_EQ(Masked("Signé : DUPONT Jean"), "Signé : [NOM_1]");
  EXPECT_EQ(Masked("M. et Mme Le Guennec"), "M. et Mme [NOM_1]");
  // Ambiguous given names alone are kept: "Pierre" may be a stone, "France" a country.
  EXPECT_EQ(Masked("La France et la pierre."), "La France et la pierre.");
  PseudonymizeHints hints;
  hints.sender_name = "Zoltan Krzyzanowski";
  EXPECT_EQ(Masked("krzyzanowski a écrit. Signé ZOLTAN", hints), "[NOM_1] a écrit. Signé [NOM_2]");
}

TEST_F(PseudonymizerTest, SenderEmailHint) {
  PseudonymizeHints hints;
  hints.sender_email = "odd@@address";
  EXPECT_EQ(Masked("écrit depuis ODD@@ADDRESS", hints), "écrit depuis [EMAIL_1]");
}

TEST_F(PseudonymizerTest, StablePlaceholders) {
  const std::string text =
      "Appelez le 06 12 34 56 78, sinon le 07 11 22 33 44, ou encore le 06 12 34 56 78.";
  auto r = pseudonymizer_->Pseudonymize(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "Appelez le [TEL_1], sinon le [TEL_2], ou encore le [TEL_1].");
  ASSERT_EQ(r->mapping.entries.size(), 2u);
  EXPECT_EQ(r->mapping.entries[0].original, "06 12 34 56 78");
  EXPECT_EQ(r->replacements.size(), 3u);
  EXPECT_EQ(r->replacements[1].begin, text.find("07 11"));
  EXPECT_EQ(r->replacements[1].end, text.find(", ou"));
}

// Many distinct values (beyond the small linear index of Pseudonymize), each repeated: the same
// value keeps its placeholder, values and types are numbered in order of first appearance.
TEST_F(PseudonymizerTest, StablePlaceholdersWithManyValues) {
  std::string text;
  std::string expected;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) {
      std::string phone = "06 12 34 " + std::to_string(10 + i) + " 78";
      text += "Tel " + phone + " et mail p" + std::to_string(i) + "@exemple.fr.\n";
      expected += "Tel [TEL_" + std::to_string(i + 1) + "] et mail [EMAIL_" +
                  std::to_string(i + 1) + "].\n";
    }
  }
  auto r = pseudonymizer_->Pseudonymize(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, expected);
  ASSERT_EQ(r->mapping.entries.size(), 80u);
  EXPECT_EQ(r->mapping.entries[79].placeholder, "[EMAIL_40]");
  EXPECT_EQ(r->mapping.entries[79].original, "p39@exemple.fr");
  EXPECT_EQ(r->replacements.size(), 160u);
  EXPECT_EQ(Restore(r->text, r->mapping).text, text);
}

TEST_F(PseudonymizerTest, RoundTripOnSyntheticSet) {
  for (const LabelledMessage& m : GenerateSyntheticSet(99, 300)) {
    auto r = pseudonymizer_->Pseudonymize(m.text);
    ASSERT_TRUE(r.ok());
    Restored back = Restore(r->text, r->mapping);
    EXPECT_EQ(back.text, m.text);
    EXPECT_TRUE(back.unknown_placeholders.empty());
    // No gold value survives in the pseudonymised text.
    for (const PiiSpan& g : m.spans) {
      std::string value = m.text.substr(g.begin, g.end - g.begin);
      EXPECT_EQ(r->text.find(value), std::string::npos) << value;
    }
  }
}

TEST_F(PseudonymizerTest, ExistingPlaceholderTextSurvivesRoundTrip) {
  std::string text = "Le modèle a écrit [NOM_1] pour M. Kerbrat.";
  auto r = pseudonymizer_->Pseudonymize(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "Le modèle a écrit [TEXTE_1] pour M. [NOM_1].");
  EXPECT_EQ(Restore(r->text, r->mapping).text, text);
}

TEST_F(PseudonymizerTest, RestoreToleratesModelMangling) {
  auto r = pseudonymizer_->Pseudonymize(
      "M. Kerbrat, né le 12/03/1985, NIR 1 85 05 78 006 084 91, tél 06 12 34 56 78.");
  ASSERT_TRUE(r.ok());
  Restored back = Restore(
      "Bonjour [nom_1] ([NOM 1], [ Nom-1 ]), né le [date de naissance 1], NIR [Nir_01], "
      "tel [TÉLÉPHONE_1] et [EMAIL_7] [voir annexe 2].",
      r->mapping);
  EXPECT_EQ(back.text,
            "Bonjour Kerbrat (Kerbrat, Kerbrat), né le 12/03/1985, NIR 1 85 05 78 006 084 91, "
            "tel 06 12 34 56 78 et [EMAIL_7] [voir annexe 2].");
  ASSERT_EQ(back.unknown_placeholders.size(), 1u);
  EXPECT_EQ(back.unknown_placeholders[0], "[EMAIL_7]");
}

TEST_F(PseudonymizerTest, InvalidUtf8AndEmptyInput) {
  auto bad = pseudonymizer_->Pseudonymize("abc\xC3\x28");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  auto empty = pseudonymizer_->Pseudonymize("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->text, "");
  EXPECT_TRUE(empty->mapping.entries.empty());
}

TEST_F(PseudonymizerTest, TooLargeInputRejectedWithConfiguredLimit) {
  PseudonymizerConfig config;
  config.resource_dir = plume::testing::ResourceDir() / "privacy";
  config.max_input_bytes = 10;
  auto p = Pseudonymizer::Create(config);
  ASSERT_TRUE(p.ok());
  auto r = p->Pseudonymize("0123456789A");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(PseudonymizerTest, OneMegabyteInput) {
  std::string big;
  std::vector<LabelledMessage> set = GenerateSyntheticSet(5, 50);
  while (big.size() < (1u << 20)) {
    for (const LabelledMessage& m : set) big += m.text;
  }
  auto r = pseudonymizer_->Pseudonymize(big);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Restore(r->text, r->mapping).text, big);
  // Adversarial: a megabyte of digits and of capitalised words stays linear and valid.
  std::string digits(1u << 20, '7');
  EXPECT_TRUE(pseudonymizer_->Pseudonymize(digits).ok());
  std::string words;
  while (words.size() < (1u << 20)) words += "Jean Dupont Martin ";
  EXPECT_TRUE(pseudonymizer_->Pseudonymize(words).ok());
}

TEST_F(PseudonymizerTest, ConcurrentUseGivesSameResults) {
  std::vector<LabelledMessage> set = GenerateSyntheticSet(11, 40);
  std::vector<std::string> expected;
  for (const LabelledMessage& m : set) expected.push_back(Masked(m.text));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(2, 0);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < set.size(); ++i) {
        auto r = pseudonymizer_->Pseudonymize(set[i].text);
        if (!r.ok() || r->text != expected[i]) ++mismatches[static_cast<size_t>(t)];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches[0] + mismatches[1], 0);
}

TEST(PseudonymizerCreateTest, MissingListsAreAnError) {
  PseudonymizerConfig config;
  config.resource_dir = "/nonexistent/privacy";
  auto p = Pseudonymizer::Create(config);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kNotFound);
  config.require_name_lists = false;
  EXPECT_TRUE(Pseudonymizer::Create(config).ok());
}

}  // namespace
}  // namespace plume::privacy
