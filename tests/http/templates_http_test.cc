// Réponses types over HTTP (issue #3): proposing a sent reply, reviewing candidates. Real SQLite
// file, real pseudonymiser (resources/privacy), server on 127.0.0.1 port 0.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "draft/template_candidates.h"
#include "testing/api_server.h"

namespace plume::http {
namespace {

using json = nlohmann::json;

using Session = plume::testing::AgentSession;
constexpr int64_t kStart = plume::testing::kApiStart;

constexpr const char* kReply =
    "Bonjour Madame Martin,\n\n"
    "Madame Martin, votre demande de carte d'identité est bien enregistrée. Nous vous "
    "rappellerons au 06 12 34 56 78 ou écrirons à claire.martin@example.org. Le remboursement "
    "ira sur le compte FR76 3000 6000 0112 3456 7890 189.\n"
    "Faites la pré-demande en ligne avant de prendre rendez-vous.\n\n"
    "Je vous prie d'agréer, Madame, l'expression de mes salutations distinguées.\n\n"
    "Claire Agent";

class TemplatesHttpTest : public ::testing::Test, protected plume::testing::ApiServer {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    auto maker = draft::TemplateCandidateMaker::Create(plume::testing::ResourceDir() / "privacy");
    ASSERT_TRUE(maker.ok()) << maker.status().ToString();
    maker_ = std::move(maker).value();
    options_.template_candidates = maker_.get();
    ASSERT_NO_FATAL_FAILURE(CreateAgents({{"claire", AgentRole::kAgent, "prefecture-69"},
                                          {"sophie", AgentRole::kSupervisor, "prefecture-69"},
                                          {"marc", AgentRole::kAgent, "caf-75"},
                                          {"nadia", AgentRole::kSupervisor, "caf-75"},
                                          {"root", AgentRole::kAdmin, "plume"}}));
    KnowledgeDocument doc;
    doc.id = "particuliers/F1342";
    doc.fiche_id = "F1342";
    doc.source = "vdd";
    doc.title = "Carte d'identité : première demande";
    doc.url = "https://www.service-public.fr/particuliers/vosdroits/F1342";
    doc.introduction =
        "La demande se fait en mairie après une pré-demande en ligne. Renseignements au "
        "01 23 45 67 89.";
    doc.content_hash = "h1";
    ASSERT_TRUE(store_->UpsertDocuments({doc}, kStart).ok());
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }
  void TearDown() override { StopServer(); }

  // A message of `service` answered with kReply from a draft citing F1342; returns the decision.
  int64_t SentReply(const std::string& service, DecisionKind kind = DecisionKind::kEdited) {
    Message m;
    m.service = service;
    m.sender_name = "Mme Claire Martin";
    m.sender_email = "claire.martin@example.org";
    m.subject = "Carte de Claire Martin";
    m.body = "Bonjour, comment refaire ma carte d'identité ? Claire Martin, 06 12 34 56 78";
    m.intent = "papiers-citoyennete";
    m.received_at_ms = kStart;
    auto mid = store_->CreateMessage(m);
    EXPECT_TRUE(mid.ok());
    Draft d;
    d.message_id = *mid;
    d.engine = "embedded";
    d.text = "Bonjour Madame Martin, …";
    d.sources = {{"particuliers/F1342", "Carte d'identité : première demande", "", ""}};
    auto did = store_->CreateDraft(d);
    EXPECT_TRUE(did.ok());
    Decision dec;
    dec.message_id = *mid;
    dec.draft_id = *did;
    dec.agent = "claire";
    dec.kind = kind;
    dec.final_text = kind == DecisionKind::kDiscarded ? "" : kReply;
    dec.decided_at_ms = kStart;
    auto id = store_->RecordDecision(dec);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  // The body as raw text (these tests also send malformed JSON).
  httplib::Result Post(const Session& s, const std::string& path, const std::string& body,
                       bool csrf = true) {
    return Client().Post(path.c_str(), With(s, csrf), body, "application/json");
  }
  static std::string Propose(int64_t decision) {
    return "/api/decisions/" + std::to_string(decision) + "/template-candidate";
  }
  json Proposed(const Session& s, int64_t decision) {
    auto res = Post(s, Propose(decision), "{}");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body)["template"];
  }

  std::unique_ptr<draft::TemplateCandidateMaker> maker_;
};

TEST_F(TemplatesHttpTest, ASentReplyBecomesAnAnonymousCandidate) {
  const int64_t decision = SentReply("prefecture-69");
  Session claire = Login("claire");
  auto res = Post(claire, Propose(decision), R"({"title": "Carte de Mme Martin : pré-demande"})");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  json body = json::parse(res->body);
  const json& t = body["template"];
  EXPECT_EQ(t["status"], "candidate");
  EXPECT_EQ(t["service"], "prefecture-69");
  EXPECT_EQ(t["proposed_by"], "claire");
  EXPECT_EQ(t["intent"], "papiers-citoyennete");
  EXPECT_EQ(t["decision_id"], decision);
  EXPECT_EQ(t["document_ids"], json::array({"particuliers/F1342"}));
  EXPECT_EQ(t["reviewed_at"], nullptr);
  EXPECT_EQ(t["title"], "Carte de {{civilite}} {{nom}} : pré-demande");
  EXPECT_FALSE(body["removed"].empty());
  // Nothing of the citizen in what is stored.
  auto stored = store_->GetReplyTemplate(t["id"].get<int64_t>());
  ASSERT_TRUE(stored.ok());
  for (const std::string& text : {stored->body, stored->title}) {
    for (const char* personal : {"Martin", "Claire", "06 12", "example.org", "FR76", "Agent"}) {
      EXPECT_EQ(text.find(personal), std::string::npos) << personal << " in " << text;
    }
  }
  EXPECT_NE(stored->body.find("{{civilite}} {{nom}}, votre demande de carte d'identité"),
            std::string::npos)
      << stored->body;
  EXPECT_NE(stored->body.find("Faites la pré-demande en ligne"), std::string::npos);
  EXPECT_EQ(stored->body.find("Bonjour"), std::string::npos);
  auto audit = store_->ListAudit({std::nullopt, std::nullopt, 0, 1000});
  ASSERT_TRUE(audit.ok());
  bool audited = false;
  for (const auto& e : *audit) audited = audited || e.action == "template_proposed";
  EXPECT_TRUE(audited);

  // Once per reply.
  ExpectError(Post(claire, Propose(decision), "{}"), 409, "conflict");
}

TEST_F(TemplatesHttpTest, OnlyVisibleSentRepliesCanBeProposed) {
  const int64_t pref = SentReply("prefecture-69");
  const int64_t discarded = SentReply("prefecture-69", DecisionKind::kDiscarded);
  Session marc = Login("marc");
  Session claire = Login("claire");
  ExpectError(Post(marc, Propose(pref), "{}"), 404, "not_found");  // another service's
  ExpectError(Post(claire, Propose(pref + 1000), "{}"), 404, "not_found");
  ExpectError(Post(claire, "/api/decisions/abc/template-candidate", "{}"), 404, "not_found");
  ExpectError(Post(claire, Propose(discarded), "{}"), 404, "not_found");
  ExpectError(Post(claire, Propose(pref), "{}", false), 403, "csrf");
  ExpectError(Post(claire, Propose(pref), "{not json"), 400, "invalid_json");
  ExpectError(Post(claire, Propose(pref), R"({"title": 12})"), 400, "invalid_argument");
  ExpectError(Post(claire, Propose(pref), json{{"title", std::string(300, 'a')}}.dump()), 400,
              "invalid_argument");
  ExpectError(Client().Post(Propose(pref).c_str(), "{}", "application/json"), 401,
              "unauthenticated");
  EXPECT_TRUE(store_->ListReplyTemplates({})->empty());  // nothing stored by the failures
}

TEST_F(TemplatesHttpTest, SupervisorsOfTheServiceReview) {
  Session claire = Login("claire");
  Session sophie = Login("sophie");
  Session nadia = Login("nadia");
  Session root = Login("root");
  const int64_t id = Proposed(claire, SentReply("prefecture-69"))["id"].get<int64_t>();
  const std::string approve = "/api/templates/" + std::to_string(id) + "/approve";
  const std::string reject = "/api/templates/" + std::to_string(id) + "/reject";

  // Listing: agents see approved ones only; supervisors see candidates of their service.
  auto agent_list = Get(claire, "/api/templates");
  ASSERT_TRUE(agent_list);
  ASSERT_EQ(agent_list->status, 200) << agent_list->body;
  EXPECT_TRUE(json::parse(agent_list->body)["templates"].empty());
  ExpectError(Get(claire, "/api/templates?status=candidate"), 403, "forbidden");
  ExpectError(Get(sophie, "/api/templates?status=brouillon"), 400, "invalid_argument");
  auto candidates = Get(sophie, "/api/templates?status=candidate");
  ASSERT_TRUE(candidates);
  ASSERT_EQ(candidates->status, 200);
  EXPECT_EQ(json::parse(candidates->body)["templates"].size(), 1u);
  auto caf = Get(nadia, "/api/templates?status=candidate");
  ASSERT_TRUE(caf);
  EXPECT_TRUE(json::parse(caf->body)["templates"].empty());

  // Permissions: an agent cannot approve; another service's supervisor gets 404.
  ExpectError(Post(claire, approve, "{}"), 403, "forbidden");
  ExpectError(Post(nadia, approve, "{}"), 404, "not_found");
  ExpectError(Post(sophie, approve, "{}", false), 403, "csrf");
  ExpectError(Post(sophie, "/api/templates/99999/approve", "{}"), 404, "not_found");
  // Invalid edited bodies: 400, nothing changed.
  const int64_t version = *store_->ReplyTemplateVersion();
  ExpectError(Post(sophie, approve, R"({"body": "{{#extraits}} jamais fermé"})"), 400,
              "invalid_argument");
  ExpectError(Post(sophie, approve, R"({"body": "{{nom"})"), 400, "invalid_argument");
  ExpectError(Post(sophie, approve, json{{"body", std::string(30 * 1024, 'a')}}.dump()), 400,
              "invalid_argument");
  ExpectError(Post(sophie, approve, R"({"body": "  "})"), 400, "invalid_argument");
  ExpectError(Post(sophie, approve, R"({"body": 3})"), 400, "invalid_argument");
  ExpectError(Post(sophie, approve, "\"\xC3\x28\""), 400, "invalid_json");
  ExpectError(Post(sophie, approve, R"({"title": ""})"), 400, "invalid_argument");
  EXPECT_EQ(*store_->ReplyTemplateVersion(), version);
  EXPECT_EQ(store_->GetReplyTemplate(id)->status, ReplyTemplateStatus::kCandidate);

  // Approval with an edited body.
  clock_.Advance(60'000);
  auto ok =
      Post(sophie, approve, R"({"body": "{{civilite}} {{nom}}, faites la pré-demande en ligne."})");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  json t = json::parse(ok->body)["template"];
  EXPECT_EQ(t["status"], "approved");
  EXPECT_EQ(t["reviewed_by"], "sophie");
  EXPECT_EQ(t["body"], "{{civilite}} {{nom}}, faites la pré-demande en ligne.");
  EXPECT_GT(*store_->ReplyTemplateVersion(), version);
  auto approved = Get(claire, "/api/templates");
  ASSERT_TRUE(approved);
  EXPECT_EQ(json::parse(approved->body)["templates"].size(), 1u);

  // Rejection withdraws it; an admin may review any service's template.
  auto rejected = Post(sophie, reject, "{}");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 200) << rejected->body;
  EXPECT_TRUE(json::parse(Get(claire, "/api/templates")->body)["templates"].empty());
  auto by_admin = Post(root, approve, "");
  ASSERT_TRUE(by_admin);
  EXPECT_EQ(by_admin->status, 200) << by_admin->body;
  EXPECT_EQ(store_->GetReplyTemplate(id)->reviewed_by, "root");
  auto audit = store_->ListAudit({std::string("prefecture-69"), std::nullopt, 0, 1000});
  ASSERT_TRUE(audit.ok());
  int reviews = 0;
  for (const auto& e : *audit) {
    reviews += e.action == "template_approved" || e.action == "template_rejected";
  }
  EXPECT_EQ(reviews, 3);
}

TEST_F(TemplatesHttpTest, AnEditedBodyWithPersonalDataIsRefused) {
  Session sophie = Login("sophie");
  const int64_t id = Proposed(Login("claire"), SentReply("prefecture-69"))["id"].get<int64_t>();
  const std::string approve = "/api/templates/" + std::to_string(id) + "/approve";
  const std::string before = store_->GetReplyTemplate(id)->body;
  const int64_t version = *store_->ReplyTemplateVersion();
  const size_t audit_lines = store_->ListAudit({std::nullopt, std::nullopt, 0, 1000})->size();

  struct Case {
    std::string body;
    std::vector<std::string> kinds;   // error.findings[].kind, in order
    std::vector<std::string> labels;  // named in the French message
  };
  const std::vector<Case> cases = {
      {"{{civilite}} {{nom}}, écrivez-nous à jean.dupont@example.org.",
       {"email"},
       {"adresse e-mail"}},
      {"Nous vous rappellerons au 06 98 76 54 32.", {"phone"}, {"téléphone"}},
      {"Votre numéro de sécurité sociale 1 85 05 78 006 084 91 est enregistré.",
       {"nir"},
       {"numéro de sécurité sociale"}},
      {"Madame Durand, votre demande est enregistrée.", {"name"}, {"nom de personne"}},
      {"Écrivez à paul.leroy@example.org ou appelez le 07 11 22 33 44.",
       {"email", "phone"},
       {"adresse e-mail, téléphone"}},
  };
  for (const Case& c : cases) {
    auto res = Post(sophie, approve, json{{"body", c.body}}.dump());
    ExpectError(res, 422, "personal_data");
    if (!res) continue;
    json error = json::parse(res->body)["error"];
    const std::string message = error["message"];
    EXPECT_EQ(message.rfind("La réponse type contient des données personnelles : ", 0), 0u)
        << message;
    for (const auto& label : c.labels) {
      EXPECT_NE(message.find(label), std::string::npos) << label << " not in " << message;
    }
    EXPECT_NE(message.find("Remplacez-les par des champs"), std::string::npos) << message;
    std::vector<std::string> kinds;
    for (const auto& f : error["findings"]) kinds.push_back(f["kind"]);
    EXPECT_EQ(kinds, c.kinds) << c.body;
  }
  // A rejection with a body is checked too.
  ExpectError(Post(sophie, "/api/templates/" + std::to_string(id) + "/reject",
                   R"({"body": "Appelez Madame Durand au 06 98 76 54 32."})"),
              422, "personal_data");
  // Nothing stored, nothing audited.
  EXPECT_EQ(*store_->ReplyTemplateVersion(), version);
  EXPECT_EQ(store_->GetReplyTemplate(id)->status, ReplyTemplateStatus::kCandidate);
  EXPECT_EQ(store_->GetReplyTemplate(id)->body, before);
  EXPECT_EQ(store_->ListAudit({std::nullopt, std::nullopt, 0, 1000})->size(), audit_lines);

  // Fields, placeholders to fill, the cited fiche's own phone and an ordinary word that is also
  // the sender's first name are not personal data.
  const std::string clean =
      "{{civilite}} {{nom}}, votre demande est enregistrée : nous vous rappellerons au "
      "[téléphone]. Renseignements au 01 23 45 67 89. La fiche « {{titre_fiche}} » donne une "
      "liste claire des pièces.{{#extraits}} {{titre}}{{/extraits}}";
  auto ok = Post(sophie, approve, json{{"body", clean}}.dump());
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(store_->GetReplyTemplate(id)->body, clean);
  EXPECT_EQ(store_->GetReplyTemplate(id)->status, ReplyTemplateStatus::kApproved);
}

TEST_F(TemplatesHttpTest, OpenApiDescribesTheRoutes) {
  auto res = Client().Get("/api/openapi.json");
  ASSERT_TRUE(res);
  json doc = json::parse(res->body);
  for (const char* path : {"/api/decisions/{id}/template-candidate", "/api/templates",
                           "/api/templates/{id}/approve", "/api/templates/{id}/reject"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
  EXPECT_TRUE(doc["components"]["schemas"].contains("ReplyTemplate"));
}

TEST_F(TemplatesHttpTest, WithoutACandidateMakerProposingIsUnavailable) {
  StopServer();
  options_.template_candidates = nullptr;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const int64_t decision = SentReply("prefecture-69");
  ExpectError(Post(Login("claire"), Propose(decision), "{}"), 503, "unavailable");
  // An edited body cannot be checked either: refused; approving as proposed still works.
  StoredReplyTemplate t;
  t.service = "prefecture-69";
  t.title = "Carte";
  t.body = "Faites la pré-demande en ligne.";
  t.document_ids = {"particuliers/F1342"};
  t.proposed_by = "claire";
  t.proposed_at_ms = kStart;
  auto id = store_->CreateReplyTemplate(t);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string approve = "/api/templates/" + std::to_string(*id) + "/approve";
  Session sophie = Login("sophie");
  ExpectError(Post(sophie, approve, R"({"body": "Texte modifié."})"), 503, "unavailable");
  EXPECT_EQ(store_->GetReplyTemplate(*id)->status, ReplyTemplateStatus::kCandidate);
  auto ok = Post(sophie, approve, "{}");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
}

}  // namespace
}  // namespace plume::http
