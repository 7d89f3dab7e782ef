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
  EXPECT_EQ(d->prompt_version, "reply-v1");

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
