#include "draft/embedded_engine.h"

#include <gtest/gtest.h>

#include "draft/grounding_guard.h"
#include "draft_fixture.h"
#include "util/files.h"

namespace plume::draft {
namespace {

using testing::BaseConfig;
using testing::CitizenMessage;
using testing::Kb;

std::unique_ptr<DraftService> Service(DraftServiceConfig config = BaseConfig()) {
  auto s = DraftService::Create(*Kb().kb.store, *Kb().kb.retriever, *Kb().stop_words, Kb().clock,
                                std::move(config));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

Result<Draft> Embedded(const Message& m) {
  DraftRequest req;
  req.message = m;
  return Service()->Generate(req);
}

// Every link, phone and address in a draft must come from its sources or the message.
void ExpectGrounded(const Draft& d, const Message& m) {
  AllowedValues allowed;
  allowed.AddText(m.body);
  for (const auto& s : d.sources) {
    auto doc = Kb().kb.store->GetDocument(s.document_id);
    ASSERT_TRUE(doc.ok());
    allowed.AddDocument(*doc);
  }
  for (const auto& url : FindUrls(d.text)) EXPECT_TRUE(allowed.HasUrl(url)) << url;
  for (const auto& p : FindPhones(d.text)) EXPECT_TRUE(allowed.HasPhone(p)) << p;
  for (const auto& e : FindEmails(d.text)) EXPECT_TRUE(allowed.HasEmail(e)) << e;
}

TEST(EmbeddedEngineTest, DraftsAGroundedReplyWithCivilitySourcesAndClosing) {
  Message m = CitizenMessage(
      "Bonjour,\nJe souhaite faire une première demande de carte d'identité pour mon fils mineur "
      "de 8 ans. Où faut-il faire la demande et quelles pièces faut-il fournir ?\n"
      "Merci d'avance,\nMme Claire Martin",
      "Carte d'identité de mon fils");
  auto d = Embedded(m);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->engine, "embedded");
  EXPECT_EQ(d->engine_version.rfind("templates-", 0), 0u);
  EXPECT_TRUE(d->prompt_version.empty());
  ASSERT_FALSE(d->sources.empty());
  EXPECT_EQ(d->sources[0].document_id, "particuliers/F1342") << d->text;
  EXPECT_EQ(d->sources[0].url, "https://www.service-public.fr/particuliers/vosdroits/F1342");
  EXPECT_EQ(d->text.rfind("Bonjour Madame Martin,", 0), 0u) << d->text;
  EXPECT_NE(d->text.find("Je vous prie d'agréer, Madame, l'expression"), std::string::npos);
  EXPECT_NE(d->text.find("Pièces à fournir"), std::string::npos) << d->text;
  EXPECT_NE(d->text.find("https://www.service-public.fr/particuliers/vosdroits/F1342"),
            std::string::npos);
  // The fiche's online service is offered.
  EXPECT_NE(d->text.find("Pré-demande de carte d'identité"), std::string::npos) << d->text;
  EXPECT_NE(d->text.find("[Prénom Nom]"), std::string::npos) << "signature placeholder";
  // The fiche dates from 2020: the agent is told to check it.
  bool stale = false;
  for (const auto& w : d->warnings)
    stale |= w.find("mise à jour le 21/07/2020") != std::string::npos;
  EXPECT_TRUE(stale);
  ExpectGrounded(*d, m);
}

TEST(EmbeddedEngineTest, AsksForDetailsWhenNothingMatches) {
  Message m = CitizenMessage("Xylophone zébré quantique ?");
  auto d = Embedded(m);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->sources.empty());
  EXPECT_NE(d->text.find("pourriez-vous nous indiquer"), std::string::npos) << d->text;
  EXPECT_EQ(d->text.rfind("Bonjour,\n", 0), 0u) << "no name: no space before the comma";
  EXPECT_NE(d->text.find("Madame, Monsieur"), std::string::npos);
  ASSERT_FALSE(d->warnings.empty());
  EXPECT_EQ(d->warnings[0], NoSourceWarning());
}

TEST(EmbeddedEngineTest, ComposesFromSentencesWhenNoReplyTypeApplies) {
  Message m = CitizenMessage(
      "Mon employeur peut-il me licencier pour faute grave pendant un arrêt maladie ? Je ne "
      "comprends pas la procédure de licenciement.",
      "", "M. Paul DURAND");
  auto d = Embedded(m);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_FALSE(d->sources.empty());
  EXPECT_EQ(d->text.rfind("Bonjour Monsieur Durand,", 0), 0u) << d->text;
  EXPECT_GT(d->text.size(), 400u);
  ExpectGrounded(*d, m);
}

TEST(EmbeddedEngineTest, RejectsBadInput) {
  auto s = Service();
  DraftRequest req;
  req.message = CitizenMessage("   ");
  EXPECT_EQ(s->Generate(req).status().code(), StatusCode::kInvalidArgument);
  req.message = CitizenMessage("carte \xC3\x28 identité");
  EXPECT_EQ(s->Generate(req).status().code(), StatusCode::kInvalidArgument);
  req.message = CitizenMessage(std::string(200 * 1024, 'a'));
  EXPECT_EQ(s->Generate(req).status().code(), StatusCode::kInvalidArgument);
  req.message = CitizenMessage("carte d'identité");
  req.engine = "robot";
  EXPECT_EQ(s->Generate(req).status().code(), StatusCode::kInvalidArgument);
  req.engine = "generative";
  Status no_model = s->Generate(req).status();
  EXPECT_EQ(no_model.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(no_model.message().find("aucun modèle"), std::string::npos);
  EXPECT_EQ(s->Engines(), std::vector<std::string>{"embedded"});
}

TEST(EmbeddedEngineTest, ShortMessageIsFlagged) {
  auto d = Embedded(CitizenMessage("passeport ?"));
  ASSERT_TRUE(d.ok());
  bool flagged = false;
  for (const auto& w : d->warnings) flagged |= w == ShortMessageWarning();
  EXPECT_TRUE(flagged);
}

TEST(EmbeddedEngineTest, StreamsTheWholeTextOnceAndHonoursCancellation) {
  auto s = Service();
  DraftRequest req;
  req.message = CitizenMessage("Comment obtenir une carte d'identité pour un mineur ?");
  std::string streamed;
  req.on_text = [&](std::string_view t) {
    streamed += t;
    return true;
  };
  auto d = s->Generate(req);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(streamed, d->text);
  req.on_text = [](std::string_view) { return false; };
  EXPECT_EQ(s->Generate(req).status().code(), StatusCode::kCancelled);
}

TEST(EmbeddedEngineTest, AgencyProfileSignsAndAllowsItsOwnContacts) {
  plume::testing::TempDir dir;
  auto path = dir.path() / "agency.toml";
  ASSERT_TRUE(util::WriteFileAtomic(path,
                                    "name = \"Mairie de Test\"\n"
                                    "signature = \"Le service État civil\\nMairie de Test\"\n"
                                    "phones = [\"04 72 00 00 00\"]\n")
                  .ok());
  DraftServiceConfig c = BaseConfig();
  c.agency_file = path;
  auto s = Service(c);
  ASSERT_NE(s, nullptr);
  DraftRequest req;
  req.message = CitizenMessage("Comment obtenir une carte d'identité pour un mineur ?");
  auto d = s->Generate(req);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->text.find("Le service État civil\nMairie de Test"), std::string::npos);

  ASSERT_TRUE(util::WriteFileAtomic(path, "stale_after_months = 0\n").ok());
  auto bad =
      DraftService::Create(*Kb().kb.store, *Kb().kb.retriever, *Kb().stop_words, Kb().clock, c);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace plume::draft
