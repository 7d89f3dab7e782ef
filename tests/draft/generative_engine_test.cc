// The generative engine against an in-process fake of an OpenAI-compatible server: it stands for
// vLLM as run by the Albert API, Ollama's /v1 and llama.cpp server
// (tests/llm/fake_openai_server.h).
#include "draft/generative_engine.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "draft_fixture.h"
#include "llm/fake_openai_server.h"

namespace plume::draft {
namespace {

using llm::testing::FakeOpenAiServer;
using llm::testing::FakeReply;
using testing::BaseConfig;
using testing::CitizenMessage;
using testing::Kb;

class GenerativeEngineTest : public ::testing::Test {
 protected:
  std::unique_ptr<DraftService> Service() {
    DraftServiceConfig c = BaseConfig();
    llm::OpenAiClientConfig llm;
    llm.base_url = server_.base_url();
    llm.default_model = "albert-large";
    llm.max_retries = 1;
    llm.initial_backoff_ms = 1;
    llm.max_backoff_ms = 1;
    llm.stream_idle_timeout_ms = 2'000;
    c.llm = llm;
    auto s =
        DraftService::Create(*Kb().kb.store, *Kb().kb.retriever, *Kb().stop_words, Kb().clock, c);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }

  static Message Citizen() {
    Message m = CitizenMessage(
        "Bonjour, je suis Claire Martin, joignable au 06 12 34 56 78 ou claire.martin@exemple.fr. "
        "Je veux faire la première demande de carte d'identité de mon fils mineur. "
        "Quelles pièces fournir ?\nMme Claire Martin",
        "Carte d'identité", "Claire Martin");
    m.sender_email = "claire.martin@exemple.fr";
    return m;
  }

  Result<Draft> Generate(DraftService& s, std::string* streamed = nullptr) {
    DraftRequest req;
    req.message = Citizen();
    req.engine = "generative";
    if (streamed) {
      req.on_text = [streamed](std::string_view t) {
        *streamed += t;
        return true;
      };
    }
    return s.Generate(req);
  }

  FakeOpenAiServer server_;
};

TEST_F(GenerativeEngineTest, PseudonymisesRestoresAndCites) {
  auto s = Service();
  EXPECT_EQ(s->Engines(), (std::vector<std::string>{"embedded", "generative"}));
  server_.Enqueue(FakeReply::ChatStream({"Pour la première demande de [NOM",
                                         "_1], il faut se rendre en mairie avec les pièces "
                                         "justificatives [S1]. ",
                                         "Vous pouvez faire une pré-demande en ligne [S1, S2]."}));
  std::string streamed;
  auto d = Generate(*s, &streamed);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->engine, "generative");
  EXPECT_EQ(d->engine_version, "albert-large");
  EXPECT_EQ(d->prompt_version, "reply-v2");

  // Nothing personal left for the model.
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string& sent = requests[0].body;
  for (const char* secret : {"Martin", "06 12 34 56 78", "claire.martin@exemple.fr"}) {
    EXPECT_EQ(sent.find(secret), std::string::npos) << secret;
  }
  auto body = nlohmann::json::parse(sent);
  EXPECT_TRUE(body["stream"].get<bool>());
  std::string user = body["messages"][1]["content"];
  EXPECT_NE(user.find("[NOM_1]"), std::string::npos);
  EXPECT_NE(user.find("[S1]"), std::string::npos);

  // The name is back, citation markers are gone, the greeting and closing come from the frame.
  EXPECT_NE(d->text.find("première demande de Claire"), std::string::npos) << d->text;
  EXPECT_EQ(d->text.find("[S1"), std::string::npos);
  EXPECT_EQ(d->text.find("[NOM_"), std::string::npos);
  EXPECT_EQ(d->text.rfind("Bonjour Madame Martin,", 0), 0u) << d->text;
  EXPECT_NE(d->text.find("salutations distinguées"), std::string::npos);
  ASSERT_GE(d->sources.size(), 1u);
  EXPECT_EQ(d->sources[0].document_id, "particuliers/F1342");
  // The streamed text reads like the final one.
  EXPECT_EQ(streamed, d->text);
}

TEST_F(GenerativeEngineTest, MasksInventedLinksAndPhones) {
  auto s = Service();
  server_.Enqueue(FakeReply::ChatStream(
      {"Rendez-vous sur https://www.carte-identite-rapide.example/commande ou appelez le "
       "01 99 88 77 66 [S1]. La fiche officielle : "
       "https://www.service-public.fr/particuliers/vosdroits/F1342 [S1]."}));
  auto d = Generate(*s);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->text.find("carte-identite-rapide"), std::string::npos);
  EXPECT_EQ(d->text.find("01 99 88 77 66"), std::string::npos);
  EXPECT_NE(d->text.find("[lien à vérifier]"), std::string::npos);
  EXPECT_NE(d->text.find("[téléphone à vérifier]"), std::string::npos);
  EXPECT_NE(d->text.find("https://www.service-public.fr/particuliers/vosdroits/F1342"),
            std::string::npos);
  int masked_warnings = 0;
  for (const auto& w : d->warnings) masked_warnings += w.find("retiré") != std::string::npos;
  EXPECT_EQ(masked_warnings, 2);
}

TEST_F(GenerativeEngineTest, FallsBackToEmbeddedOnServerErrors) {
  auto s = Service();
  server_.Enqueue(FakeReply::Error(500, "model overloaded", "server_error"));
  server_.Enqueue(FakeReply::Error(503, "model overloaded", "server_error"));
  auto d = Generate(*s);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->engine, "embedded");
  ASSERT_FALSE(d->warnings.empty());
  EXPECT_NE(d->warnings[0].find("moteur intégré"), std::string::npos) << d->warnings[0];
  EXPECT_FALSE(d->sources.empty());
}

TEST_F(GenerativeEngineTest, FallsBackWhenTheStreamIsCutOrMalformed) {
  auto s = Service();
  FakeReply cut = FakeReply::ChatStream({"Début de réponse", " qui s'arrête"}, false, false);
  cut.abort_after_pieces = true;
  server_.Enqueue(cut);
  std::string streamed;
  auto d = Generate(*s, &streamed);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->engine, "embedded");
  EXPECT_NE(d->warnings[0].find("moteur intégré"), std::string::npos);

  server_.Enqueue(FakeReply::Sse({"data: {pas du json\n\n", "data: [DONE]\n\n"}));
  d = Generate(*s);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->engine, "embedded");
}

TEST_F(GenerativeEngineTest, FallsBackWhenTheServerIsDown) {
  DraftServiceConfig c = BaseConfig();
  llm::OpenAiClientConfig llm;
  llm.base_url = "http://127.0.0.1:" + std::to_string(llm::testing::UnusedLoopbackPort()) + "/v1";
  llm.max_retries = 0;
  c.llm = llm;
  auto s =
      DraftService::Create(*Kb().kb.store, *Kb().kb.retriever, *Kb().stop_words, Kb().clock, c);
  ASSERT_TRUE(s.ok());
  auto d = Generate(**s);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->engine, "embedded");
}

TEST_F(GenerativeEngineTest, CancelledByTheAgentIsNotAFallback) {
  auto s = Service();
  server_.Enqueue(FakeReply::ChatStream({"Un", " deux", " trois"}));
  DraftRequest req;
  req.message = Citizen();
  req.engine = "generative";
  int calls = 0;
  req.on_text = [&](std::string_view) { return ++calls < 2; };
  EXPECT_EQ(s->Generate(req).status().code(), StatusCode::kCancelled);

  CancellationToken token;
  token.Cancel();
  req.on_text = nullptr;
  req.cancel = &token;
  EXPECT_EQ(s->Generate(req).status().code(), StatusCode::kCancelled);
}

TEST_F(GenerativeEngineTest, WarnsWhenTheModelCitesNothingOrAnUnknownSource) {
  auto s = Service();
  server_.Enqueue(FakeReply::ChatStream({"Réponse sans source [S9]."}));
  auto d = Generate(*s);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->sources.empty());
  bool unknown = false, none = false;
  for (const auto& w : d->warnings) {
    unknown |= w.find("source inexistante : S9") != std::string::npos;
    none |= w.find("n'a cité aucune fiche") != std::string::npos;
  }
  EXPECT_TRUE(unknown);
  EXPECT_TRUE(none);
}

// The request's system and user prompts, as sent to the fake server.
std::pair<std::string, std::string> SentPrompts(const FakeOpenAiServer& server) {
  auto requests = server.requests();
  if (requests.empty()) return {};
  auto body = nlohmann::json::parse(requests.back().body);
  return {body["messages"][0]["content"], body["messages"][1]["content"]};
}

TEST_F(GenerativeEngineTest, AnApprovedTemplateCitingTheBestFicheIsInThePrompt) {
  const std::string service = "mairie-gen-tmpl";  // its own service: other tests never see it
  Message m = Citizen();
  m.service = service;
  DraftRequest req;
  req.message = m;
  req.engine = "generative";

  // No template: the prompt is reply-v1's, byte for byte.
  DraftServiceConfig v1_config = BaseConfig();
  v1_config.prompt_version = "reply-v1";
  llm::OpenAiClientConfig llm;
  llm.base_url = server_.base_url();
  llm.default_model = "albert-large";
  llm.max_retries = 0;
  v1_config.llm = llm;
  auto v1 = DraftService::Create(*Kb().kb.store, *Kb().kb.retriever, *Kb().stop_words, Kb().clock,
                                 v1_config);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  server_.Enqueue(FakeReply::ChatStream({"Rendez-vous en mairie [S1]."}));
  ASSERT_TRUE((*v1)->Generate(req).ok());
  const auto v1_prompts = SentPrompts(server_);
  auto s = Service();
  server_.Enqueue(FakeReply::ChatStream({"Rendez-vous en mairie [S1]."}));
  auto plain = s->Generate(req);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->prompt_version, "reply-v2");
  EXPECT_EQ(plain->engine_version, "albert-large");
  EXPECT_EQ(SentPrompts(server_), v1_prompts);
  EXPECT_EQ(v1_prompts.second.find("Réponse type validée"), std::string::npos);
  ASSERT_FALSE(plain->sources.empty());
  const std::string best = plain->sources[0].document_id;  // [S1]: the best retrieved fiche

  // An approved template of the service citing the best fiche.
  StoredReplyTemplate t;
  t.service = service;
  t.title = "Première carte";
  t.body =
      "{{civilite}} {{nom}}, pour une première carte, faites la pré-demande en ligne puis "
      "prenez rendez-vous ; la fiche « {{titre_fiche}} » liste les pièces. Apportez "
      "[justificatif de domicile].";
  t.document_ids = {best};
  t.proposed_by = "claire";
  t.proposed_at_ms = testing::kNowMs;
  auto id = Kb().kb.store->CreateReplyTemplate(t);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ReplyTemplateReview review;
  review.status = ReplyTemplateStatus::kApproved;
  review.reviewer = "sophie";
  review.at_ms = testing::kNowMs;
  ASSERT_TRUE(Kb().kb.store->ReviewReplyTemplate(*id, review).ok());

  server_.Enqueue(FakeReply::ChatStream(
      {"Madame [NOM_1], pour une première carte, faites la pré-demande en ligne [S1]."}));
  auto d = s->Generate(req);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->engine, "generative");
  EXPECT_EQ(d->engine_version, "albert-large+template:" + std::to_string(*id));
  bool named = false;
  for (const auto& w : d->warnings) {
    named = named || w.find("réponse type n° " + std::to_string(*id)) != std::string::npos;
  }
  EXPECT_TRUE(named);
  EXPECT_NE(d->text.find("Madame Claire Martin, pour une première carte"), std::string::npos)
      << d->text;

  const auto [system, user] = SentPrompts(server_);
  EXPECT_EQ(system, v1_prompts.first);
  const size_t section = user.find("Réponse type validée par le service");
  ASSERT_NE(section, std::string::npos) << user;
  const std::string example = user.substr(section);
  // Rendered for this message and its best fiche, pseudonymised in one pass with the message
  // (one mapping): the citizen's name is a placeholder, never the real one.
  EXPECT_NE(example.find("Madame [NOM_"), std::string::npos) << example;
  EXPECT_NE(example.find("], pour une première carte, faites la pré-demande en ligne"),
            std::string::npos)
      << example;
  EXPECT_NE(example.find("la fiche « " + Kb().kb.store->GetDocument(best)->title + " »"),
            std::string::npos)
      << example;
  EXPECT_NE(example.find("[justificatif de domicile]"), std::string::npos) << example;
  EXPECT_EQ(example.find("{{"), std::string::npos) << example;
  for (const char* secret : {"Martin", "Claire", "06 12 34 56 78", "claire.martin@exemple.fr"}) {
    EXPECT_EQ(user.find(secret), std::string::npos) << secret;
  }
  // The message part is the same as without the template.
  EXPECT_EQ(user.substr(0, user.find("Extraits de fiches")),
            v1_prompts.second.substr(0, v1_prompts.second.find("Extraits de fiches")));

  // Another service's message: no template, prompt unchanged.
  req.message.service = service + "-autre";
  server_.Enqueue(FakeReply::ChatStream({"Rendez-vous en mairie [S1]."}));
  auto other = s->Generate(req);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(other->engine_version, "albert-large");
  EXPECT_EQ(SentPrompts(server_), v1_prompts);
}

TEST(StreamingRestorerTest, HoldsSplitMarkersBack) {
  privacy::Mapping mapping;
  mapping.entries.push_back({"[NOM_1]", privacy::PiiType::kName, "Dupont"});
  StreamingRestorer r(mapping);
  std::string out = r.Feed("Bonjour [NO");
  EXPECT_EQ(out, "Bonjour");  // the space waits: a citation may follow
  out += r.Feed("M_1], voir [S");
  out += r.Feed("2]. Tableau [a] et [");
  out += r.Finish();
  EXPECT_EQ(out, "Bonjour Dupont, voir. Tableau [a] et [");
}

TEST(ExtractCitationsTest, FindsAndStripsMarkers) {
  Citations c = ExtractCitations("A [S1]. B [S2, S3]. C [s1][S4]. D [NOM_1].");
  EXPECT_EQ(c.ids, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(c.text, "A. B. C. D [NOM_1].");
}

}  // namespace
}  // namespace plume::draft
