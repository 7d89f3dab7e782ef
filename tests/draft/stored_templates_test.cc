// Approved réponses types of the store in the embedded engine: real fiches, real Xapian index,
// real SQLite store (tests/draft/draft_fixture.h). Each test uses its own service, so the
// templates it stores never reach another test's messages.
#include "draft/stored_templates.h"

#include <gtest/gtest.h>

#include "draft/embedded_engine.h"
#include "draft_fixture.h"

namespace plume::draft {
namespace {

using testing::BaseConfig;
using testing::CitizenMessage;
using testing::Kb;

std::unique_ptr<DraftService> Service() {
  auto s = DraftService::Create(*Kb().kb.store, *Kb().kb.retriever, *Kb().stop_words, Kb().clock,
                                BaseConfig());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

Draft Generate(const Message& m) {
  DraftRequest req;
  req.message = m;
  auto d = Service()->Generate(req);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? std::move(d).value() : Draft{};
}

Message LostCard(const std::string& service, std::string body) {
  Message m = CitizenMessage(std::move(body), "Carte d'identité perdue");
  m.service = service;
  return m;
}

// The reply to the first message became the template; the second says the same in other words.
constexpr const char* kFirstMessage =
    "Bonjour, ma carte d'identité est perdue, je voudrais en obtenir une nouvelle. Quelle est la "
    "démarche ? Mme Sophie Bernard";
constexpr const char* kSimilarMessage =
    "Bonjour, ma carte d'identité est perdue depuis lundi et je voudrais en obtenir une "
    "nouvelle. Quelle est la démarche ?\nM. Paul Durand";

// The best fiche for both messages before any stored template (the test's precondition).
std::string BestFiche(const std::string& service) {
  Draft first = Generate(LostCard(service, kFirstMessage));
  Draft similar = Generate(LostCard(service, kSimilarMessage));
  EXPECT_FALSE(first.sources.empty());
  EXPECT_FALSE(similar.sources.empty());
  if (first.sources.empty() || similar.sources.empty()) return "";
  EXPECT_EQ(first.sources[0].document_id, similar.sources[0].document_id);
  EXPECT_EQ(similar.engine_version.find("+template:"), std::string::npos);
  return first.sources[0].document_id;
}

int64_t AddTemplate(const std::string& service, const std::vector<std::string>& docs,
                    const std::string& body, ReplyTemplateStatus status,
                    const std::string& intent = "") {
  StoredReplyTemplate t;
  t.service = service;
  t.title = "Carte perdue";
  t.body = body;
  t.intent = intent;
  t.document_ids = docs;
  t.proposed_by = "claire";
  t.proposed_at_ms = testing::kNowMs;
  auto id = Kb().kb.store->CreateReplyTemplate(t);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  if (id.ok() && status != ReplyTemplateStatus::kCandidate) {
    ReplyTemplateReview r;
    r.status = status;
    r.reviewer = "sophie";
    r.at_ms = testing::kNowMs;
    EXPECT_TRUE(Kb().kb.store->ReviewReplyTemplate(*id, r).ok());
  }
  return id.ok() ? *id : 0;
}

TEST(StoredTemplatesTest, AnApprovedTemplateAnswersASimilarMessageAndCitesItsDocuments) {
  const std::string service = "prefecture-tmpl-1";
  const std::string fiche = BestFiche(service);
  ASSERT_FALSE(fiche.empty());
  const std::string second =
      fiche == "particuliers/F1344" ? "particuliers/F1342" : "particuliers/F1344";
  const std::string fiche_title = Kb().kb.store->GetDocument(fiche)->title;

  const int64_t id = AddTemplate(
      service, {fiche, second},
      "{{civilite}} {{nom}}, pour refaire votre carte, faites une pré-demande en ligne puis "
      "prenez rendez-vous dans une mairie équipée ; la fiche « {{titre_fiche}} » détaille les "
      "pièces à fournir. Plus d'informations : https://faux.example.com/carte",
      ReplyTemplateStatus::kApproved);
  Draft d = Generate(LostCard(service, kSimilarMessage));
  EXPECT_NE(d.text.find("Monsieur Durand, pour refaire votre carte, faites une pré-demande"),
            std::string::npos)
      << d.text;
  EXPECT_NE(d.text.find("la fiche « " + fiche_title + " »"), std::string::npos) << d.text;
  EXPECT_EQ(d.text.rfind("Bonjour Monsieur Durand,", 0), 0u) << d.text;  // the frame is kept
  EXPECT_NE(d.text.find("Je vous prie d'agréer, Monsieur"), std::string::npos) << d.text;
  EXPECT_EQ(d.engine_version, Service()->embedded().Version() + "+template:" + std::to_string(id));
  ASSERT_EQ(d.sources.size(), 2u);
  EXPECT_EQ(d.sources[0].document_id, fiche);
  EXPECT_EQ(d.sources[1].document_id, second);
  EXPECT_NE(d.text.find("https://www.service-public.fr/particuliers/vosdroits/" +
                        second.substr(second.find('/') + 1)),
            std::string::npos)
      << d.text;  // cited in the frame's source list
  bool named = false;
  for (const auto& w : d.warnings) {
    named = named || w.find("réponse type n° " + std::to_string(id)) != std::string::npos;
  }
  EXPECT_TRUE(named);
  // The grounding guard still applies: the template's invented link is masked.
  EXPECT_EQ(d.text.find("faux.example.com"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("[lien à vérifier]"), std::string::npos) << d.text;

  // Another service's messages never get it.
  Draft other = Generate(LostCard(service + "-autre", kSimilarMessage));
  EXPECT_EQ(other.engine_version.find("+template:"), std::string::npos);
  EXPECT_EQ(other.text.find("pré-demande en ligne puis"), std::string::npos);
}

TEST(StoredTemplatesTest, CandidateAndRejectedTemplatesAreNeverUsed) {
  const std::string service = "prefecture-tmpl-2";
  const std::string fiche = BestFiche(service);
  ASSERT_FALSE(fiche.empty());
  AddTemplate(service, {fiche}, "TEXTE CANDIDAT", ReplyTemplateStatus::kCandidate);
  AddTemplate(service, {fiche}, "TEXTE REJETÉ", ReplyTemplateStatus::kRejected);
  Draft d = Generate(LostCard(service, kSimilarMessage));
  EXPECT_EQ(d.text.find("TEXTE CANDIDAT"), std::string::npos) << d.text;
  EXPECT_EQ(d.text.find("TEXTE REJETÉ"), std::string::npos) << d.text;
  EXPECT_EQ(d.engine_version.find("+template:"), std::string::npos);

  // Approved, then withdrawn by a rejection: used, then no longer.
  const int64_t id = AddTemplate(service, {fiche}, "TEXTE VALIDÉ", ReplyTemplateStatus::kApproved);
  EXPECT_NE(Generate(LostCard(service, kSimilarMessage)).text.find("TEXTE VALIDÉ"),
            std::string::npos);
  ReplyTemplateReview r;
  r.status = ReplyTemplateStatus::kRejected;
  r.reviewer = "sophie";
  r.at_ms = testing::kNowMs;
  ASSERT_TRUE(Kb().kb.store->ReviewReplyTemplate(id, r).ok());
  EXPECT_EQ(Generate(LostCard(service, kSimilarMessage)).text.find("TEXTE VALIDÉ"),
            std::string::npos);
}

TEST(StoredTemplatesTest, IntentAndBestFicheDecide) {
  const std::string service = "prefecture-tmpl-3";
  const std::string fiche = BestFiche(service);
  ASSERT_FALSE(fiche.empty());
  // Does not cite the best fiche: never used.
  AddTemplate(service, {"particuliers/F40"}, "TEXTE AUTRE FICHE", ReplyTemplateStatus::kApproved);
  AddTemplate(service, {fiche}, "TEXTE INTENTION TITRES", ReplyTemplateStatus::kApproved, "titres");
  AddTemplate(service, {fiche}, "TEXTE INTENTION SOCIAL", ReplyTemplateStatus::kApproved, "social");
  Message m = LostCard(service, kSimilarMessage);
  m.intent = "titres";
  Draft d = Generate(m);
  EXPECT_NE(d.text.find("TEXTE INTENTION TITRES"), std::string::npos) << d.text;
  m.intent = "social";
  d = Generate(m);
  EXPECT_NE(d.text.find("TEXTE INTENTION SOCIAL"), std::string::npos) << d.text;
  m.intent = "logement";  // neither template's intent: none used
  d = Generate(m);
  EXPECT_EQ(d.engine_version.find("+template:"), std::string::npos) << d.text;
  EXPECT_EQ(d.text.find("TEXTE AUTRE FICHE"), std::string::npos);
}

TEST(StoredTemplatesTest, ChooseStoredTemplatePrefersTheClosestDocuments) {
  auto t = [](int64_t id, std::vector<std::string> docs,
              ReplyTemplateStatus status = ReplyTemplateStatus::kApproved) {
    StoredReplyTemplate x;
    x.id = id;
    x.document_ids = std::move(docs);
    x.status = status;
    return x;
  };
  std::vector<StoredReplyTemplate> all = {t(1, {"a"}), t(2, {"a", "b"}), t(3, {"a", "c", "d"}),
                                          t(4, {"b"}),
                                          t(5, {"a", "b"}, ReplyTemplateStatus::kRejected)};
  EXPECT_EQ(ChooseStoredTemplate(all, {"a", "b"}, "")->id, 2);
  EXPECT_EQ(ChooseStoredTemplate(all, {"a", "z"}, "")->id, 1);
  EXPECT_EQ(ChooseStoredTemplate(all, {"z", "a"}, ""), nullptr);  // best fiche uncited
  EXPECT_EQ(ChooseStoredTemplate(all, {}, ""), nullptr);
  EXPECT_EQ(ChooseStoredTemplate({t(6, {"a"}, ReplyTemplateStatus::kCandidate)}, {"a"}, ""),
            nullptr);
}

}  // namespace
}  // namespace plume::draft
