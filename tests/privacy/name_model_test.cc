// The statistical name model: training on a tiny set, loading, bad files, absence (rules only),
// and its effect on the real held-out half of the Europeana NER file.
#include "privacy/name_model.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "privacy/evaluation.h"
#include "privacy/pseudonymizer.h"
#include "privacy/synthetic.h"
#include "testing/test_util.h"
#include "util/files.h"

namespace plume::privacy {
namespace {

std::filesystem::path PrivacyResources() { return plume::testing::ResourceDir() / "privacy"; }

// "token TAG" sentences: the word after "témoin" is a person ("Charpentier" is also an ordinary
// word, so the rules alone leave it), the word after "maison" is not.
std::vector<NerToken> TinyCorpus(bool with_names = true) {
  std::vector<NerToken> tokens;
  auto add = [&](const std::string& sentence, const std::string& person) {
    std::istringstream in(sentence);
    std::string t;
    while (in >> t) tokens.push_back({t, with_names && t == person});
  };
  for (int i = 0; i < 40; ++i) {
    add("Le témoin Charpentier est venu hier .", "Charpentier");
    add("Le témoin Boulanger est reparti .", "Boulanger");
    add("La maison Commune est fermée .", "");
    add("Le journal Courrier est paru .", "");
  }
  return tokens;
}

Result<Pseudonymizer> Make(const std::filesystem::path& model = {}) {
  PseudonymizerConfig config;
  config.resource_dir = PrivacyResources();
  config.name_model_file = model;
  return Pseudonymizer::Create(config);
}

bool MasksWord(const Pseudonymizer& p, std::string_view text, std::string_view word) {
  auto spans = p.Detect(text);
  EXPECT_TRUE(spans.ok()) << spans.status().ToString();
  if (!spans.ok()) return false;
  size_t at = text.find(word);
  for (const PiiSpan& s : *spans) {
    if (s.type == PiiType::kName && s.begin <= at && at + word.size() <= s.end) return true;
  }
  return false;
}

TEST(NameModelTest, TrainsOnATinySetLoadsAndAddsNamesToTheRules) {
  plume::testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "models" / "names.bin";
  std::vector<NerToken> tokens = TinyCorpus();
  ASSERT_TRUE(TrainNameModel(PrivacyResources(), tokens, 0, tokens.size(), {}, file).ok());
  ASSERT_TRUE(std::filesystem::exists(file));
  auto model = NameModel::Load(file);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_GT((*model)->feature_count(), 20u);
  float w = 0;
  EXPECT_TRUE((*model)->Weight(NameFeatureHash("pw:témoin"), &w));
  EXPECT_GT(w, 0.0f);  // context of the names
  EXPECT_FALSE((*model)->Weight(NameFeatureHash("w:never-seen-feature"), &w));

  auto rules = Make();
  auto both = Make(file);
  ASSERT_TRUE(rules.ok() && both.ok());
  const std::string text = "Le témoin Charpentier est venu hier.";
  EXPECT_FALSE(MasksWord(*rules, text, "Charpentier"));
  EXPECT_TRUE(MasksWord(*both, text, "Charpentier"));
  EXPECT_FALSE(MasksWord(*both, "La maison Commune est fermée.", "Commune"));
  // The model only adds names: every rule span stays masked.
  const std::string letter =
      "Bonjour,\nJe suis Jean Dupont, mon voisin M. Martin habite 12 rue des Lilas.\n"
      "Cordialement,\nJean Dupont";
  auto r = rules->Detect(letter);
  auto b = both->Detect(letter);
  ASSERT_TRUE(r.ok() && b.ok());
  for (const PiiSpan& s : *r) {
    bool covered = false;
    for (const PiiSpan& t : *b) covered |= t.begin <= s.begin && s.end <= t.end;
    EXPECT_TRUE(covered) << s.begin << "-" << s.end;
  }
}

Result<Pseudonymizer> MakeWithThresholds(const std::filesystem::path& model, float threshold,
                                         float join) {
  PseudonymizerConfig config;
  config.resource_dir = PrivacyResources();
  config.name_model_file = model;
  config.name_model_threshold = threshold;
  config.name_model_join_threshold = join;
  return Pseudonymizer::Create(config);
}

// Second occurrence of `word` in `text` is inside a name span.
bool MasksSecond(const Pseudonymizer& p, std::string_view text, std::string_view word) {
  auto spans = p.Detect(text);
  EXPECT_TRUE(spans.ok()) << spans.status().ToString();
  if (!spans.ok()) return false;
  size_t at = text.find(word, text.find(word) + 1);
  EXPECT_NE(at, std::string_view::npos);
  for (const PiiSpan& s : *spans) {
    if (s.type == PiiType::kName && s.begin <= at && at + word.size() <= s.end) return true;
  }
  return false;
}

// The join pass: with the add threshold out of reach, a word the model scores above the join
// threshold becomes a name only next to a name, listed with one, or written like a name found
// elsewhere in the text. "Vaillant" is also an ordinary word, so the rules leave it.
TEST(NameModelTest, JoinPassAddsWordsNextToListedWithOrRepeatingAName) {
  plume::testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "names.bin";
  std::vector<NerToken> tokens = TinyCorpus();
  ASSERT_TRUE(TrainNameModel(PrivacyResources(), tokens, 0, tokens.size(), {}, file).ok());
  auto join = MakeWithThresholds(file, 1.0f, 1e-6f);
  auto no_join = MakeWithThresholds(file, 1.0f, 1.0f);
  auto rules = Make();
  ASSERT_TRUE(join.ok() && no_join.ok() && rules.ok());

  // Document-level consistency: the surname after the civility makes its repetition a name.
  const std::string repeated = "Hier, M. Vaillant est venu. Le lendemain, Vaillant a signé.";
  EXPECT_TRUE(MasksWord(*join, repeated, "Vaillant"));
  EXPECT_TRUE(MasksSecond(*join, repeated, "Vaillant"));
  EXPECT_FALSE(MasksSecond(*no_join, repeated, "Vaillant"));
  EXPECT_FALSE(MasksSecond(*rules, repeated, "Vaillant"));

  // Listed with a name ("et", comma) or glued to one.
  const std::string listed = "Hier, Jean Lavergne et Vaillant sont arrivés.";
  EXPECT_TRUE(MasksWord(*join, listed, "Vaillant"));
  EXPECT_FALSE(MasksWord(*no_join, listed, "Vaillant"));
  const std::string comma = "Hier, Jean Lavergne, Vaillant et les autres sont arrivés.";
  EXPECT_TRUE(MasksWord(*join, comma, "Vaillant"));
  EXPECT_FALSE(MasksWord(*no_join, comma, "Vaillant"));

  // Alone, the same low score adds nothing.
  EXPECT_FALSE(MasksWord(*join, "La maison Commune est fermée.", "Commune"));
  EXPECT_FALSE(MasksWord(*join, "Le soldat Vaillant est parti.", "Vaillant"));
}

// Upper-case words are scored by the model, except short acronyms and labels before a number.
TEST(NameModelTest, UpperCaseCandidatesExcludeAcronymsAndLabels) {
  plume::testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "names.bin";
  std::vector<NerToken> tokens = TinyCorpus();
  ASSERT_TRUE(TrainNameModel(PrivacyResources(), tokens, 0, tokens.size(), {}, file).ok());
  auto all = MakeWithThresholds(file, 1e-6f, 1.0f);  // every scored word is added
  ASSERT_TRUE(all.ok());
  const std::string text =
      "Le témoin LEGEARD est venu, son employeur (SIRET 43177625131318) et la CAF aussi.";
  EXPECT_TRUE(MasksWord(*all, text, "LEGEARD"));
  EXPECT_FALSE(MasksWord(*all, text, "SIRET"));
  EXPECT_FALSE(MasksWord(*all, text, "CAF"));
  EXPECT_FALSE(MasksWord(*all, "Mon numéro SIRET : 43177625131318.", "SIRET"));
}

// Cross-validation trains on several ranges of the file: only their tokens are examples.
TEST(NameModelTest, TrainsOnTheGivenTokenRangesOnly) {
  plume::testing::TempDir dir;
  std::vector<NerToken> tokens = TinyCorpus(false);
  const size_t without_names = tokens.size();
  for (NerToken& t : TinyCorpus()) tokens.push_back(t);
  const std::vector<std::pair<size_t, size_t>> none{{0, without_names / 2},
                                                    {without_names / 2, without_names}};
  EXPECT_EQ(TrainNameModel(PrivacyResources(), tokens, none, {}, dir.path() / "a").code(),
            StatusCode::kInvalidArgument);
  const std::vector<std::pair<size_t, size_t>> both{{0, without_names / 2},
                                                    {without_names, tokens.size()}};
  EXPECT_TRUE(TrainNameModel(PrivacyResources(), tokens, both, {}, dir.path() / "b").ok());
}

TEST(NameModelTest, TrainingIsDeterministic) {
  plume::testing::TempDir dir;
  std::vector<NerToken> tokens = TinyCorpus();
  ASSERT_TRUE(
      TrainNameModel(PrivacyResources(), tokens, 0, tokens.size(), {}, dir.path() / "a").ok());
  ASSERT_TRUE(
      TrainNameModel(PrivacyResources(), tokens, 0, tokens.size(), {}, dir.path() / "b").ok());
  auto a = util::ReadFile(dir.path() / "a");
  auto b = util::ReadFile(dir.path() / "b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(NameModelTest, TrainingWithoutNamesIsRefused) {
  plume::testing::TempDir dir;
  std::vector<NerToken> tokens = TinyCorpus(false);
  Status st = TrainNameModel(PrivacyResources(), tokens, 0, tokens.size(), {}, dir.path() / "m");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "m"));
}

TEST(NameModelTest, MissingOrCorruptModelIsAnErrorAndNoModelMeansRulesOnly) {
  plume::testing::TempDir dir;
  auto missing = Make(dir.path() / "absent.bin");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(util::WriteFileAtomic(dir.path() / "bad.bin", std::string(200, 'x')).ok());
  auto bad = Make(dir.path() / "bad.bin");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(NameModel::Load(dir.path() / "bad.bin").status().code(), StatusCode::kDataLoss);
  // The data folder's model is found only when it exists.
  EXPECT_TRUE(FindNameModel(dir.path()).empty());
  std::filesystem::create_directories(dir.path() / "models");
  ASSERT_TRUE(util::WriteFileAtomic(DefaultNameModelFile(dir.path()), "x").ok());
  EXPECT_EQ(FindNameModel(dir.path()), dir.path() / "models" / "privacy_names.bin");
  // No model: the rules work alone.
  auto rules = Make();
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(MasksWord(*rules, "Je suis venu avec M. Dupont hier.", "Dupont"));
}

// Trained on the development half only (as `plume privacy train-names`), scored on the held-out
// half; structured detections on citizen-style messages are unchanged by the model.
TEST(NameModelTest, HeldOutHalfOfTheNerFile) {
  auto tokens =
      ReadNerFile(plume::testing::SharedDataDir() / "ner-europeana-fr" / "enp_FR.bnf.bio");
  ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
  const size_t split = NerSplitPoint(*tokens);
  plume::testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "privacy_names.bin";
  ASSERT_TRUE(TrainNameModel(PrivacyResources(), *tokens, 0, split, {}, file).ok());
  auto rules = Make();
  auto both = Make(file);
  ASSERT_TRUE(rules.ok() && both.ok());
  auto before = EvaluateNerTokens(*rules, *tokens, split, tokens->size());
  auto after = EvaluateNerTokens(*both, *tokens, split, tokens->size());
  ASSERT_TRUE(before.ok() && after.ok());
  const TypeScores& b = before->by_type[static_cast<int>(PiiType::kName)];
  const TypeScores& a = after->by_type[static_cast<int>(PiiType::kName)];
  std::cout << "held-out names: rules P " << b.Precision() << " R " << b.Recall()
            << " | rules + model P " << a.Precision() << " R " << a.Recall() << "\n";
  // Issue #3's goal is names recall >= 0.90 (0.9038 with this deterministic training); the floors
  // catch a change that loses it.
  EXPECT_GE(a.Recall(), 0.90);
  EXPECT_GE(a.Precision(), 0.54);
  EXPECT_GT(a.Recall(), b.Recall());

  std::vector<LabelledMessage> messages = GenerateSyntheticSet(11, 300);
  for (const LabelledMessage& m : messages) {
    auto r = rules->Detect(m.text);
    auto s = both->Detect(m.text);
    ASSERT_TRUE(r.ok() && s.ok());
    std::vector<PiiSpan> rs;
    std::vector<PiiSpan> ss;
    for (const PiiSpan& x : *r) {
      if (x.type != PiiType::kName) rs.push_back(x);
    }
    for (const PiiSpan& x : *s) {
      if (x.type != PiiType::kName) ss.push_back(x);
    }
    ASSERT_EQ(rs.size(), ss.size()) << m.text;
    for (size_t i = 0; i < rs.size(); ++i) {
      EXPECT_EQ(rs[i].type, ss[i].type);
      EXPECT_EQ(rs[i].begin, ss[i].begin);
      EXPECT_EQ(rs[i].end, ss[i].end);
    }
  }
}

// Detection hashes features in a zero-padded buffer; the model is keyed by the plain hash.
TEST(NameFeatureHashTest, PaddedHashIsThePlainHash) {
  std::string feature;
  for (int len = 0; len <= 40; ++len) {
    std::string padded = feature + std::string(8, '\0');
    EXPECT_EQ(NameFeatureHashPadded(padded.data(), feature.size()), NameFeatureHash(feature))
        << feature;
    feature.push_back(static_cast<char>('a' + len % 26));
    if (len % 5 == 0) feature += "\xC3\xA9";  // é: bytes above 0x7F too
  }
  EXPECT_NE(NameFeatureHash("w:dupont"), NameFeatureHash("w:dupond"));
}

}  // namespace
}  // namespace plume::privacy
