// Intent routing over HTTP (issue #6): a real SQLite file, a real (small) fastText model, the real
// taxonomy and pseudonymiser; server on 127.0.0.1 port 0, httplib as the client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "intent/fasttext_classifier.h"
#include "intent/routing_service.h"
#include "intent/taxonomy.h"
#include "privacy/pseudonymizer.h"
#include "testing/api_server.h"

namespace plume::http {
namespace {

using json = nlohmann::json;

using Session = plume::testing::AgentSession;
constexpr int64_t kStart = plume::testing::kApiStart;

// Three well separated themes; enough for a deterministic one-thread fastText model.
std::vector<intent::LabeledExample> TrainingExamples() {
  std::vector<intent::LabeledExample> out;
  auto add = [&](const std::string& label, std::vector<std::string> texts) {
    for (auto& t : texts) out.push_back({t, label, "g:" + t, "test", ""});
  };
  add("papiers-citoyennete",
      {"renouvellement carte d'identité", "perte de ma carte d'identité", "passeport perdu",
       "faire un passeport", "carte d'identité volée", "refaire mon passeport",
       "demande de carte d'identité pour mon fils", "passeport expiré que faire"});
  add("logement", {"aide au logement APL", "mon propriétaire refuse de rendre la caution",
                   "préavis de départ du logement", "loyer impayé propriétaire",
                   "dépôt de garantie du logement", "APL étudiant logement",
                   "bail de location du logement", "augmentation du loyer par le propriétaire"});
  add("transports",
      {"permis de conduire perdu", "carte grise du véhicule", "points du permis",
       "changement d'adresse carte grise", "amende radar permis", "immatriculation du véhicule",
       "retrait de permis de conduire", "vendre mon véhicule carte grise"});
  return out;
}

class RoutingTest : public ::testing::Test, protected plume::testing::ApiServer {
 protected:
  static void SetUpTestSuite() {
    model_dir_ = new testing::TempDir();
    intent::FastTextParams params;
    params.dim = 20;
    params.epoch = 50;
    params.bucket = 20000;
    ASSERT_TRUE(
        intent::TrainFastText(TrainingExamples(), params, model_dir_->path() / "m.bin").ok());
    auto clf = intent::FastTextClassifier::Load(model_dir_->path() / "m.bin", 0.3, "fasttext test");
    ASSERT_TRUE(clf.ok()) << clf.status().ToString();
    classifier_ = clf->release();
    auto taxonomy = intent::Taxonomy::Load(intent::TaxonomyPath(testing::ResourceDir()));
    ASSERT_TRUE(taxonomy.ok()) << taxonomy.status().ToString();
    taxonomy_ = new intent::Taxonomy(std::move(taxonomy).value());
    privacy::PseudonymizerConfig pc;
    pc.resource_dir = testing::ResourceDir() / "privacy";
    auto pseudonymizer = privacy::Pseudonymizer::Create(pc);
    ASSERT_TRUE(pseudonymizer.ok()) << pseudonymizer.status().ToString();
    pseudonymizer_ = new privacy::Pseudonymizer(std::move(pseudonymizer).value());
  }
  static void TearDownTestSuite() {
    delete pseudonymizer_;
    delete taxonomy_;
    delete classifier_;
    delete model_dir_;
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    router_ = std::make_unique<intent::StoreRouter>(*store_, classifier_);
    options_.router = router_.get();
    options_.taxonomy = taxonomy_;
    options_.pseudonymizer = pseudonymizer_;
    ASSERT_NO_FATAL_FAILURE(CreateAgents({{"claire", AgentRole::kAgent, "prefecture-69"},
                                          {"sophie", AgentRole::kSupervisor, "prefecture-69"},
                                          {"marc", AgentRole::kAgent, "caf-75"},
                                          {"root", AgentRole::kAdmin, "plume"}}));
    token_ = CreateApiToken("prefecture-69", "formulaire");
    ASSERT_NO_FATAL_FAILURE(StartServer());
    claire_ = Login("claire");
    root_ = Login("root");
  }
  void TearDown() override { StopServer(); }

  httplib::Result Send(const std::string& method, const Session& s, const std::string& path,
                       const std::string& body) {
    if (method == "PUT") return Client().Put(path.c_str(), With(s), body, "application/json");
    return Client().Post(path.c_str(), With(s), body, "application/json");
  }
  // Creates a message through the API with the integration token; returns its JSON.
  json CreateMessage(const std::string& body, const std::string& sender = "") {
    auto res =
        Client().Post("/api/messages", {{"Authorization", "Bearer " + token_}},
                      json{{"subject", "Demande"}, {"body", body}, {"sender_name", sender}}.dump(),
                      "application/json");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body)["message"];
  }
  static json Rules(const std::string& logement_queue) {
    return {{"services",
             {{{"service", ""}, {"default_queue", "accueil"}, {"qualification_queue", "tri"}},
              {{"service", "prefecture-69"}, {"default_queue", "accueil-69"}}}},
            {"rules",
             {{{"service", "prefecture-69"}, {"intent", "logement"}, {"queue", logement_queue}},
              {{"service", ""}, {"intent", "transports"}, {"queue", "bureau-permis"}}}}};
  }
  size_t AuditCount(const std::string& action) {
    size_t n = 0;
    auto all = store_->ListAudit({std::nullopt, std::nullopt, 0, 1000});
    EXPECT_TRUE(all.ok());
    for (const auto& e : *all) {
      n += e.action == action;
    }
    return n;
  }

  static testing::TempDir* model_dir_;
  static intent::FastTextClassifier* classifier_;
  static intent::Taxonomy* taxonomy_;
  static privacy::Pseudonymizer* pseudonymizer_;

  std::unique_ptr<intent::StoreRouter> router_;
  std::string token_;
  Session claire_, root_;
};
testing::TempDir* RoutingTest::model_dir_ = nullptr;
intent::FastTextClassifier* RoutingTest::classifier_ = nullptr;
intent::Taxonomy* RoutingTest::taxonomy_ = nullptr;
privacy::Pseudonymizer* RoutingTest::pseudonymizer_ = nullptr;

TEST_F(RoutingTest, NewMessageIsRoutedByTheStoredRules) {
  // No rule saved yet: the fallback queue.
  json first = CreateMessage("aide au logement APL, mon loyer");
  EXPECT_EQ(first["intent"], "logement");
  EXPECT_EQ(first["queue"], "accueil");
  auto put = Send("PUT", root_, "/api/admin/routing", Rules("bureau-logement").dump());
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  json m = CreateMessage("aide au logement APL, mon propriétaire et le loyer");
  EXPECT_EQ(m["intent"], "logement");
  EXPECT_EQ(m["queue"], "bureau-logement");
  EXPECT_EQ(store_->GetMessage(m["id"].get<int64_t>())->queue, "bureau-logement");
  // The shared rule applies to every service; no rule: the service's default queue.
  EXPECT_EQ(CreateMessage("permis de conduire perdu, points du permis")["queue"], "bureau-permis");
  EXPECT_EQ(CreateMessage("passeport perdu carte d'identité")["queue"], "accueil-69");
  // The inbox filters by queue.
  auto list = Get(claire_, "/api/messages?queue=bureau-logement");
  ASSERT_EQ(list->status, 200) << list->body;
  json body = json::parse(list->body);
  ASSERT_EQ(body["messages"].size(), 1u);
  EXPECT_EQ(body["messages"][0]["id"], m["id"]);
}

TEST_F(RoutingTest, AdminEditRoutesTheNextMessage) {
  ASSERT_EQ(Send("PUT", root_, "/api/admin/routing", Rules("logement-a").dump())->status, 200);
  EXPECT_EQ(CreateMessage("aide au logement APL étudiant")["queue"], "logement-a");
  ASSERT_EQ(Send("PUT", root_, "/api/admin/routing", Rules("logement-b").dump())->status, 200);
  EXPECT_EQ(CreateMessage("aide au logement APL étudiant")["queue"], "logement-b");
  EXPECT_EQ(AuditCount("routing_rules_updated"), 2u);
  auto got = Get(root_, "/api/admin/routing");
  ASSERT_EQ(got->status, 200);
  json rules = json::parse(got->body);
  EXPECT_TRUE(rules["editable"].get<bool>());
  bool found = false;
  for (const auto& r : rules["rules"]) {
    if (r["intent"] == "logement") {
      found = true;
      EXPECT_EQ(r["queue"], "logement-b");
      EXPECT_EQ(r["intent_name"], "Logement");
    }
  }
  EXPECT_TRUE(found) << got->body;
}

TEST_F(RoutingTest, OnlyAdminsEditAndSupervisorsReadTheirService) {
  json rules = Rules("bureau-logement");
  rules["rules"].push_back({{"service", "caf-75"}, {"intent", "famille"}, {"queue", "caf-fam"}});
  ASSERT_EQ(Send("PUT", root_, "/api/admin/routing", rules.dump())->status, 200);
  Session sophie = Login("sophie");
  auto read = Get(sophie, "/api/admin/routing");
  ASSERT_EQ(read->status, 200) << read->body;
  json body = json::parse(read->body);
  EXPECT_FALSE(body["editable"].get<bool>());
  for (const auto& r : body["rules"]) EXPECT_NE(r["service"], "caf-75") << read->body;
  ExpectError(Send("PUT", sophie, "/api/admin/routing", rules.dump()), 403, "forbidden");
  ExpectError(Get(claire_, "/api/admin/routing"), 403, "forbidden");
  ExpectError(
      Client().Put("/api/admin/routing", With(root_, false), rules.dump(), "application/json"), 403,
      "csrf");
  ExpectError(Client().Get("/api/admin/routing", {{"Authorization", "Bearer " + token_}}), 403,
              "forbidden");
}

TEST_F(RoutingTest, BadRulesAre400AndChangeNothing) {
  ASSERT_EQ(Send("PUT", root_, "/api/admin/routing", Rules("bureau-logement").dump())->status, 200);
  const std::string before = Get(root_, "/api/admin/routing")->body;
  json unknown = Rules("x");
  unknown["rules"][0]["intent"] = "astrologie";
  auto res = Send("PUT", root_, "/api/admin/routing", unknown.dump());
  ExpectError(res, 400, "invalid_argument");
  EXPECT_NE(res->body.find("Intention inconnue"), std::string::npos) << res->body;
  json empty_queue = Rules("  ");
  ExpectError(Send("PUT", root_, "/api/admin/routing", empty_queue.dump()), 400,
              "invalid_argument");
  json wrong_type = Rules("x");
  wrong_type["rules"][0]["queue"] = 42;
  ExpectError(Send("PUT", root_, "/api/admin/routing", wrong_type.dump()), 400, "invalid_argument");
  json not_a_list = Rules("x");
  not_a_list["rules"] = "etranger=bureau";
  ExpectError(Send("PUT", root_, "/api/admin/routing", not_a_list.dump()), 400, "invalid_argument");
  json no_default = Rules("x");
  no_default["services"][0]["default_queue"] = "";
  ExpectError(Send("PUT", root_, "/api/admin/routing", no_default.dump()), 400, "invalid_argument");
  json duplicate = Rules("x");
  duplicate["rules"].push_back(duplicate["rules"][0]);
  ExpectError(Send("PUT", root_, "/api/admin/routing", duplicate.dump()), 400, "invalid_argument");
  json bad_threshold = Rules("x");
  bad_threshold["services"][1]["min_confidence"] = 1.5;
  ExpectError(Send("PUT", root_, "/api/admin/routing", bad_threshold.dump()), 400,
              "invalid_argument");
  ExpectError(Send("PUT", root_, "/api/admin/routing", "{\"rules\": ["), 400, "invalid_json");
  ExpectError(Send("PUT", root_, "/api/admin/routing", "[1, 2]"), 400, "invalid_json");
  json too_long = Rules(std::string(200, 'q'));
  ExpectError(Send("PUT", root_, "/api/admin/routing", too_long.dump()), 400, "invalid_argument");
  EXPECT_EQ(Get(root_, "/api/admin/routing")->body, before);
  EXPECT_EQ(AuditCount("routing_rules_updated"), 1u);
}

TEST_F(RoutingTest, CorrectionReroutesStoresPseudonymisedTextAndAudits) {
  ASSERT_EQ(Send("PUT", root_, "/api/admin/routing", Rules("bureau-logement").dump())->status, 200);
  json m = CreateMessage(
      "Bonjour, je suis Jeanne Martin (jeanne.martin@example.org). Mon permis de conduire et "
      "ma carte grise : pouvez-vous m'aider ?",
      "Jeanne Martin");
  const std::string id = std::to_string(m["id"].get<int64_t>());
  auto res =
      Send("POST", claire_, "/api/messages/" + id + "/intent", json{{"intent", "logement"}}.dump());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json updated = json::parse(res->body)["message"];
  EXPECT_EQ(updated["intent"], "logement");
  EXPECT_EQ(updated["queue"], "bureau-logement");
  auto corrections = store_->ListIntentCorrections(0, 10);
  ASSERT_TRUE(corrections.ok());
  ASSERT_EQ(corrections->size(), 1u);
  const IntentCorrectionRecord& c = (*corrections)[0];
  EXPECT_EQ(c.label, "logement");
  EXPECT_EQ(c.predicted, m["intent"]);
  EXPECT_EQ(c.agent, "claire");
  EXPECT_EQ(c.created_at_ms, kStart);
  EXPECT_EQ(c.text.find("Martin"), std::string::npos) << c.text;
  EXPECT_EQ(c.text.find("example.org"), std::string::npos) << c.text;
  EXPECT_NE(c.text.find("permis de conduire"), std::string::npos) << c.text;
  EXPECT_EQ(AuditCount("intent_corrected"), 1u);
}

TEST_F(RoutingTest, CorrectionIsolationAndBadInput) {
  json m = CreateMessage("aide au logement APL");
  const std::string path = "/api/messages/" + std::to_string(m["id"].get<int64_t>()) + "/intent";
  const std::string good = json{{"intent", "famille"}}.dump();
  // Another service's message answers 404 like an unknown id; tokens cannot correct.
  ExpectError(Send("POST", Login("marc"), path, good), 404, "not_found");
  ExpectError(Send("POST", claire_, "/api/messages/999999/intent", good), 404, "not_found");
  ExpectError(Send("POST", claire_, "/api/messages/abc/intent", good), 404, "not_found");
  ExpectError(Client().Post(path.c_str(), {{"Authorization", "Bearer " + token_}}, good,
                            "application/json"),
              403, "forbidden");
  ExpectError(Client().Post(path.c_str(), With(claire_, false), good, "application/json"), 403,
              "csrf");
  auto unknown = Send("POST", claire_, path, json{{"intent", "astrologie"}}.dump());
  ExpectError(unknown, 400, "invalid_argument");
  EXPECT_NE(unknown->body.find("Intention inconnue"), std::string::npos);
  ExpectError(Send("POST", claire_, path, json{{"intent", "a-qualifier"}}.dump()), 400,
              "invalid_argument");
  ExpectError(Send("POST", claire_, path, json{{"intent", 3}}.dump()), 400, "invalid_argument");
  ExpectError(Send("POST", claire_, path, "{}"), 400, "invalid_argument");
  ExpectError(Send("POST", claire_, path, "{\"intent\": "), 400, "invalid_json");
  auto after = store_->GetMessage(m["id"].get<int64_t>());
  EXPECT_EQ(after->intent, "logement");
  EXPECT_EQ(after->queue, m["queue"]);
  EXPECT_TRUE(store_->ListIntentCorrections(0, 10)->empty());
  EXPECT_EQ(AuditCount("intent_corrected"), 0u);
}

TEST_F(RoutingTest, IntentLabelsForTheInterface) {
  auto res = Get(claire_, "/api/intents");
  ASSERT_EQ(res->status, 200) << res->body;
  json body = json::parse(res->body);
  EXPECT_EQ(body["intents"].size(), taxonomy_->labels().size());
  EXPECT_EQ(body["to_qualify"]["id"], "a-qualifier");
  ExpectError(Client().Get("/api/intents"), 401, "unauthenticated");
}

}  // namespace
}  // namespace plume::http
