// Issue #6: the message's intent narrows the retrieval of the draft's sources (real fiches, real
// Xapian index, the real taxonomy's themes).
#include <gtest/gtest.h>

#include <algorithm>

#include "draft/sources.h"
#include "testing/kb_fixture.h"

namespace plume::draft {
namespace {

IntentNarrowing Narrowing(double weight) {
  IntentNarrowing n;
  n.themes["travail"] = {"particuliers/Travail", "travail/*"};
  n.themes["social-sante"] = {"particuliers/Social - Santé"};
  n.other_theme_weight = weight;
  return n;
}

TEST(IntentNarrowingTest, OnlyAConfidentIntentNarrows) {
  Message m;
  m.body = "arrêt maladie";
  SearchRequest r;
  ApplyIntentNarrowing(Narrowing(0.8), m, &r);
  EXPECT_TRUE(r.themes.empty()) << "no intent, no prediction";
  m.intent = "a-qualifier";
  ApplyIntentNarrowing(Narrowing(0.8), m, &r);
  EXPECT_TRUE(r.themes.empty()) << "below the threshold";
  m.intent = "travail";
  ApplyIntentNarrowing(Narrowing(1), m, &r);
  EXPECT_TRUE(r.themes.empty()) << "weight 1 disables narrowing";
  ApplyIntentNarrowing(Narrowing(0.8), m, &r);
  EXPECT_EQ(r.themes, (std::vector<std::string>{"particuliers/Travail", "travail/*"}));
  EXPECT_DOUBLE_EQ(r.other_theme_weight, 0.8);
  // A message without intent: the predictor is asked ("" = below its threshold).
  SearchRequest p;
  Message fresh;
  fresh.body = "arrêt maladie";
  IntentNarrowing with_model = Narrowing(0.5);
  with_model.predict = [](const Message&) { return std::string("social-sante"); };
  ApplyIntentNarrowing(with_model, fresh, &p);
  EXPECT_EQ(p.themes, (std::vector<std::string>{"particuliers/Social - Santé"}));
  with_model.predict = [](const Message&) { return std::string(); };
  SearchRequest q;
  ApplyIntentNarrowing(with_model, fresh, &q);
  EXPECT_TRUE(q.themes.empty());
}

TEST(IntentNarrowingTest, IntentChangesTheSourcesOfAnAmbiguousMessage) {
  plume::testing::TempDir dir;
  plume::testing::KbFixture kb = plume::testing::BuildKbFixture(dir.path());
  ASSERT_TRUE(kb.store && kb.retriever);
  Message m;
  m.body = "Je suis en arrêt maladie, mon employeur veut me licencier : quelles indemnités ?";
  auto plain = FindSources(*kb.store, *kb.retriever, m, 5);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ASSERT_FALSE(plain->empty());
  // Filtered to each theme in turn: every source is of that theme, and the two lists differ.
  const IntentNarrowing filter = Narrowing(0);
  std::vector<std::vector<std::string>> ids;
  for (const char* intent : {"travail", "social-sante"}) {
    m.intent = intent;
    auto narrowed = FindSources(*kb.store, *kb.retriever, m, 5, filter);
    ASSERT_TRUE(narrowed.ok()) << narrowed.status().ToString();
    ASSERT_FALSE(narrowed->empty()) << intent;
    ids.emplace_back();
    for (const auto& s : *narrowed) {
      ids.back().push_back(s.doc.id);
      const std::string theme = s.doc.breadcrumb.size() > 1
                                    ? s.doc.audience + "/" + s.doc.breadcrumb[1].label
                                    : s.doc.audience + "/*";
      const auto& allowed = filter.themes.at(intent);
      EXPECT_TRUE(std::find(allowed.begin(), allowed.end(), theme) != allowed.end())
          << intent << ": " << s.doc.id << " " << theme;
    }
  }
  EXPECT_NE(ids[0].front(), ids[1].front());
  // Without narrowing the intent changes nothing.
  m.intent = "travail";
  auto same = FindSources(*kb.store, *kb.retriever, m, 5, Narrowing(1));
  ASSERT_TRUE(same.ok());
  ASSERT_EQ(same->size(), plain->size());
  for (size_t i = 0; i < same->size(); ++i) EXPECT_EQ((*same)[i].doc.id, (*plain)[i].doc.id);
}

}  // namespace
}  // namespace plume::draft
