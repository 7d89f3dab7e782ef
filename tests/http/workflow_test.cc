// The agent workflow API over a real SQLite file: server on 127.0.0.1 port 0, httplib client,
// FakeClock for sessions and rate limits, FakeDrafter standing for the draft service.
#include <gtest/gtest.h>
#include <httplib.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "fake_drafter.h"
#include "http/text_metrics.h"
#include "testing/api_server.h"

namespace plume::http {
namespace {

using json = nlohmann::json;
using fakes::FakeDrafter;

using Session = plume::testing::AgentSession;
constexpr int64_t kStart = plume::testing::kApiStart;  // 2027-01-15
constexpr int64_t kTtl = 3'600'000;
constexpr const char* kPassword = plume::testing::kAgentPassword;

class WorkflowTest : public ::testing::Test, protected plume::testing::ApiServer {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    options_.max_body_bytes = 1 << 20;
    options_.auth.session_ttl_ms = kTtl;
    options_.auth.rate_limit = {3, 60'000, 300'000, 1000};
    ASSERT_NO_FATAL_FAILURE(CreateAgents({{"claire", AgentRole::kAgent, "prefecture-69"},
                                          {"paul", AgentRole::kAgent, "prefecture-69"},
                                          {"sophie", AgentRole::kSupervisor, "prefecture-69"},
                                          {"marc", AgentRole::kAgent, "caf-75"},
                                          {"nadia", AgentRole::kSupervisor, "caf-75"},
                                          {"root", AgentRole::kAdmin, "plume"}}));
    token_ = CreateApiToken("prefecture-69", "formulaire");
    pref_msg_ = NewMessage("prefecture-69", "J'ai perdu ma carte d'identité.");
    caf_msg_ = NewMessage("caf-75", "Quand sera versé mon RSA ?");
    ASSERT_NO_FATAL_FAILURE(StartServer(&drafter_));
  }
  void TearDown() override { StopServer(); }

  int64_t NewMessage(const std::string& service, const std::string& body) {
    Message m;
    m.service = service;
    m.body = body;
    m.subject = "Demande";
    m.received_at_ms = clock_.NowMillis();
    auto id = store_->CreateMessage(m);
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }

  httplib::Headers Bearer() const { return {{"Authorization", "Bearer " + token_}}; }

  json CreateDraft(const Session& s, int64_t message_id) {
    auto res = Post(s, "/api/messages/" + std::to_string(message_id) + "/drafts", json::object());
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body)["draft"];
  }

  std::vector<AuditEntry> Audit(const std::string& action) {
    std::vector<AuditEntry> out;
    auto all = store_->ListAudit({std::nullopt, std::nullopt, 0, 1000});
    EXPECT_TRUE(all.ok());
    for (const auto& e : *all) {
      if (e.action == action) out.push_back(e);
    }
    return out;
  }

  FakeDrafter drafter_;
  std::string token_;
  int64_t pref_msg_ = 0;
  int64_t caf_msg_ = 0;
};

// --- Authentication -------------------------------------------------------------------------

// A classifier with fixed answers, standing for intent::FastTextClassifier.
class KeywordClassifier : public IntentClassifier {
 public:
  Result<IntentPrediction> Predict(std::string_view text, int) const override {
    IntentPrediction p;
    if (text.find("passeport") != std::string_view::npos) {
      p.label = "papiers-citoyennete";
      p.confidence = 0.9;
    } else {
      p.label = std::string(kToQualifyIntent);
      p.to_qualify = true;
    }
    return p;
  }
  std::string Name() const override { return "keywords"; }
};

TEST_F(WorkflowTest, NewMessagesAreClassifiedWhenAModelIsLoaded) {
  KeywordClassifier classifier;
  StopServer();
  options_.intent_classifier = &classifier;
  StartServer(&drafter_);
  auto created =
      Client().Post("/api/messages", Bearer(), R"({"body": "Je dois renouveler mon passeport."})",
                    "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(nlohmann::json::parse(created->body)["message"]["intent"], "papiers-citoyennete");
  auto unclear =
      Client().Post("/api/messages", Bearer(), R"({"body": "Bonjour ?"})", "application/json");
  ASSERT_TRUE(unclear);
  ASSERT_EQ(unclear->status, 201) << unclear->body;
  auto id = nlohmann::json::parse(unclear->body)["message"]["id"].get<int64_t>();
  auto stored = store_->GetMessage(id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->intent, kToQualifyIntent);
}

TEST_F(WorkflowTest, LoginSetsAHardenedCookieAndMeAnswers) {
  auto res = LoginRaw("claire", kPassword);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind("plume_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no TLS in this test";
  json body = json::parse(res->body);
  EXPECT_EQ(body["agent"]["login"], "claire");
  EXPECT_EQ(body["agent"]["role"], "agent");
  EXPECT_EQ(body["agent"]["service"], "prefecture-69");
  EXPECT_FALSE(body["agent"].contains("password_hash"));
  Session s{cookie.substr(0, cookie.find(';')), body["csrf_token"]};
  auto me = Get(s, "/api/auth/me");
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200);
  EXPECT_EQ(json::parse(me->body)["csrf_token"], s.csrf);
  ExpectError(Client().Get("/api/auth/me"), 401, "unauthenticated");
  ExpectError(Client().Get("/api/auth/me", {{"Cookie", "plume_session=forged"}}), 401,
              "unauthenticated");
  EXPECT_EQ(Audit("login").size(), 1u);
}

TEST_F(WorkflowTest, SecureCookieBehindTls) {
  StopServer();
  options_.secure_cookies = true;
  StartServer(&drafter_);
  auto res = LoginRaw("claire", kPassword);
  ASSERT_TRUE(res);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(WorkflowTest, WrongPasswordAndUnknownLoginGiveTheSame401) {
  auto wrong = LoginRaw("claire", "pas le bon mot de passe");
  auto unknown = LoginRaw("inconnu", kPassword);
  ExpectError(wrong, 401, "unauthenticated");
  ExpectError(unknown, 401, "unauthenticated");
  EXPECT_EQ(wrong->body, unknown->body);
  EXPECT_TRUE(wrong->get_header_value("Set-Cookie").empty());
  EXPECT_EQ(Audit("login_failed").size(), 2u);
}

TEST_F(WorkflowTest, LoginIsRateLimitedAfterRepeatedFailures) {
  for (int i = 0; i < 3; ++i)
    ExpectError(LoginRaw("claire", "mauvais essai"), 401, "unauthenticated");
  ExpectError(LoginRaw("claire", kPassword), 429, "rate_limited");
  ExpectError(LoginRaw("claire", kPassword), 429, "rate_limited");
  EXPECT_EQ(LoginRaw("paul", kPassword)->status, 200) << "other logins are not affected";
  clock_.Advance(300'000);
  EXPECT_EQ(LoginRaw("claire", kPassword)->status, 200);
}

TEST_F(WorkflowTest, LogoutNeedsCsrfAndInvalidatesTheSession) {
  Session s = Login("claire");
  ExpectError(Client().Post("/api/auth/logout", With(s, false), "", "application/json"), 403,
              "csrf");
  auto res = Client().Post("/api/auth/logout", With(s), "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  ExpectError(Get(s, "/api/auth/me"), 401, "unauthenticated");
  ExpectError(Get(s, "/api/messages"), 401, "unauthenticated");
}

TEST_F(WorkflowTest, ExpiredSessionIsRefused) {
  Session s = Login("claire");
  clock_.Advance(kTtl - 1);
  EXPECT_EQ(Get(s, "/api/auth/me")->status, 200);
  clock_.Advance(1);
  ExpectError(Get(s, "/api/auth/me"), 401, "unauthenticated");
}

// --- Replies: only an authenticated agent's explicit action -----------------------------------

TEST_F(WorkflowTest, ReplyNeedsAnAgentSessionAndCsrf) {
  const std::string path = "/api/messages/" + std::to_string(pref_msg_) + "/reply";
  const std::string body = json{{"text", "Bonjour, voici la réponse."}}.dump();
  Session s = Login("claire");
  ExpectError(Client().Post(path.c_str(), body, "application/json"), 401, "unauthenticated");
  ExpectError(Client().Post(path.c_str(), With(s, false), body, "application/json"), 403, "csrf");
  ExpectError(Client().Post(path.c_str(), {{"Cookie", s.cookie}, {"X-CSRF-Token", "faux"}}, body,
                            "application/json"),
              403, "csrf");
  Session other = Login("paul");
  ExpectError(Client().Post(path.c_str(), {{"Cookie", s.cookie}, {"X-CSRF-Token", other.csrf}},
                            body, "application/json"),
              403, "csrf");
  ExpectError(Client().Post(path.c_str(), Bearer(), body, "application/json"), 403, "forbidden");
  ExpectError(
      Client().Post(path.c_str(), {{"Authorization", "Bearer plm_faux"}}, body, "application/json"),
      401, "unauthenticated");
  // Nothing was sent or recorded.
  EXPECT_EQ(store_->GetMessage(pref_msg_)->status, MessageStatus::kNew);
  EXPECT_TRUE(store_->ListDecisions(pref_msg_)->empty());
  EXPECT_TRUE(Audit("reply_sent").empty());

  auto ok = Client().Post(path.c_str(), With(s), body, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(Audit("reply_sent").size(), 1u);
}

TEST_F(WorkflowTest, AcceptedReplyIsAuditedWithDraftProvenance) {
  Session s = Login("claire");
  json draft = CreateDraft(s, pref_msg_);
  ASSERT_TRUE(draft.contains("id"));
  EXPECT_EQ(draft["message_id"], pref_msg_);
  EXPECT_EQ(draft["engine"], "embedded");
  EXPECT_EQ(draft["sources"][0]["document_id"], "particuliers/F1342");
  EXPECT_EQ(draft["created_at"], FormatIsoUtc(kStart));
  clock_.Advance(60'000);
  auto res = Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/reply",
                  {{"draft_id", draft["id"]}, {"text", FakeDrafter::kText}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  json body = json::parse(res->body);
  EXPECT_EQ(body["decision"]["kind"], "accepted");
  EXPECT_EQ(body["decision"]["edit_distance"], 0);
  EXPECT_EQ(body["decision"]["draft_id"], draft["id"]);
  EXPECT_EQ(body["decision"]["agent"], "claire");
  EXPECT_EQ(body["message"]["status"], "answered");

  auto lines = Audit("reply_sent");
  ASSERT_EQ(lines.size(), 1u);
  const AuditEntry& e = lines[0];
  EXPECT_EQ(e.agent, "claire");
  EXPECT_EQ(e.at_ms, kStart + 60'000);
  EXPECT_EQ(e.service, "prefecture-69");
  EXPECT_EQ(e.message_id, pref_msg_);
  EXPECT_EQ(e.draft_id, draft["id"].get<int64_t>());
  EXPECT_EQ(e.engine, "embedded");
  EXPECT_EQ(e.prompt_version, "");
  EXPECT_EQ(e.sources, std::vector<std::string>{"particuliers/F1342"});
  EXPECT_EQ(e.decision, "accepted");
  EXPECT_EQ(e.final_text, FakeDrafter::kText);
  ASSERT_EQ(Audit("draft_created").size(), 1u);

  // Already answered: a second reply is refused and nothing more is recorded.
  ExpectError(Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/reply",
                   {{"text", "Encore une réponse"}}),
              409, "conflict");
  EXPECT_EQ(store_->ListDecisions(pref_msg_)->size(), 1u);

  // The history shows the draft and the decision.
  auto hist = Get(s, "/api/messages/" + std::to_string(pref_msg_));
  ASSERT_EQ(hist->status, 200);
  json h = json::parse(hist->body);
  EXPECT_EQ(h["drafts"].size(), 1u);
  EXPECT_EQ(h["decisions"].size(), 1u);
  EXPECT_EQ(h["decisions"][0]["kind"], "accepted");
}

TEST_F(WorkflowTest, EditedReplyCountsCodePointsAndGenerativeProvenanceIsAudited) {
  Session s = Login("claire");
  auto r =
      Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/drafts", {{"engine", "generative"}});
  ASSERT_EQ(r->status, 201) << r->body;
  json draft = json::parse(r->body)["draft"];
  EXPECT_EQ(draft["prompt_version"], "prompt-v3");
  std::string text = FakeDrafter::kText;
  // "Madame" -> "Mésdames": 'a' becomes 'é' (1) and 's' is inserted (1): distance 2, not 3.
  std::string edited = text;
  edited.replace(edited.find("Madame"), 6, "Médames");
  auto res = Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/reply",
                  {{"draft_id", draft["id"]}, {"text", edited}});
  ASSERT_EQ(res->status, 201) << res->body;
  json d = json::parse(res->body)["decision"];
  EXPECT_EQ(d["kind"], "edited");
  EXPECT_EQ(d["edit_distance"], 2);
  EXPECT_EQ(d["final_text"], edited);
  auto lines = Audit("reply_sent");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].engine, "generative");
  EXPECT_EQ(lines[0].prompt_version, "prompt-v3");
  EXPECT_EQ(lines[0].decision, "edited");
  EXPECT_EQ(lines[0].final_text, edited);
}

TEST_F(WorkflowTest, ReplyWithoutDraftAndDiscardAreRecorded) {
  Session s = Login("claire");
  json draft = CreateDraft(s, pref_msg_);
  auto discard = Post(s, "/api/drafts/" + std::to_string(draft["id"].get<int64_t>()) + "/discard",
                      json::object());
  ASSERT_EQ(discard->status, 201) << discard->body;
  json dd = json::parse(discard->body)["decision"];
  EXPECT_EQ(dd["kind"], "discarded");
  EXPECT_EQ(dd["draft_id"], draft["id"]);
  EXPECT_EQ(store_->GetMessage(pref_msg_)->status, MessageStatus::kNew) << "discard sends nothing";
  auto discarded = Audit("draft_discarded");
  ASSERT_EQ(discarded.size(), 1u);
  EXPECT_EQ(discarded[0].draft_id, draft["id"].get<int64_t>());
  EXPECT_EQ(discarded[0].decision, "discarded");

  auto res = Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/reply",
                  {{"text", "Réponse écrite par l'agent."}});
  ASSERT_EQ(res->status, 201) << res->body;
  json d = json::parse(res->body)["decision"];
  EXPECT_EQ(d["kind"], "written_without_ai");
  EXPECT_TRUE(d["draft_id"].is_null());
  auto lines = Audit("reply_sent");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0].draft_id.has_value());
  EXPECT_EQ(lines[0].decision, "written_without_ai");
  EXPECT_EQ(lines[0].final_text, "Réponse écrite par l'agent.");
}

TEST_F(WorkflowTest, ReplyWithAnotherMessagesDraftIsRefused) {
  Session s = Login("claire");
  int64_t other = NewMessage("prefecture-69", "Autre demande");
  json draft = CreateDraft(s, other);
  ExpectError(Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/reply",
                   {{"draft_id", draft["id"]}, {"text", "x"}}),
              404, "not_found");
  ExpectError(Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/reply",
                   {{"draft_id", 999999}, {"text", "x"}}),
              404, "not_found");
  EXPECT_TRUE(store_->ListDecisions(pref_msg_)->empty());
}

// --- Tenant isolation ---------------------------------------------------------------------

TEST_F(WorkflowTest, AnAgentNeverReachesAnotherServicesMessage) {
  Session claire = Login("claire");
  Session marc = Login("marc");
  json caf_draft = CreateDraft(marc, caf_msg_);
  const std::string caf = "/api/messages/" + std::to_string(caf_msg_);
  auto unknown = Get(claire, "/api/messages/987654");
  ExpectError(unknown, 404, "not_found");
  auto hidden = Get(claire, caf);
  ExpectError(hidden, 404, "not_found");
  EXPECT_EQ(hidden->body, unknown->body) << "an other service's id must look unknown";
  ExpectError(Post(claire, caf + "/drafts", json::object()), 404, "not_found");
  ExpectError(Post(claire, caf + "/reply", {{"text", "Intrusion"}}), 404, "not_found");
  ExpectError(Post(claire, caf + "/assign", json::object()), 404, "not_found");
  ExpectError(
      Post(claire, "/api/drafts/" + std::to_string(caf_draft["id"].get<int64_t>()) + "/discard",
           json::object()),
      404, "not_found");
  // Nor assign their own message to an agent of another service.
  ExpectError(Post(claire, "/api/messages/" + std::to_string(pref_msg_) + "/assign",
                   {{"agent_login", "marc"}}),
              404, "not_found");
  // The API token of prefecture-69 cannot read the CAF message either.
  ExpectError(Client().Get(caf.c_str(), Bearer()), 404, "not_found");
  // Creating in another service is refused.
  ExpectError(Post(claire, "/api/messages", {{"body", "x"}, {"service", "caf-75"}}), 403,
              "forbidden");
  ExpectError(Get(claire, "/api/messages?service=caf-75"), 403, "forbidden");
  EXPECT_EQ(store_->GetMessage(caf_msg_)->status, MessageStatus::kNew);
  EXPECT_TRUE(store_->ListDecisions(caf_msg_)->empty());
  EXPECT_EQ(drafter_.calls.load(), 1) << "no draft generated for the intruder";

  // Listing, page by page, never includes them.
  for (int i = 0; i < 7; ++i)
    NewMessage(i % 2 ? "caf-75" : "prefecture-69", "message " + std::to_string(i));
  std::set<int64_t> seen;
  std::string after = "0";
  for (int page = 0; page < 20; ++page) {
    // Odd pages ask for the inbox's summary view: same rows, an excerpt instead of the body.
    const bool summary = page % 2 == 1;
    auto res = Get(claire, "/api/messages?limit=2&after_id=" + after +
                               (summary ? "&view=summary" : "&view=full"));
    ASSERT_EQ(res->status, 200) << res->body;
    json body = json::parse(res->body);
    for (const auto& m : body["messages"]) {
      EXPECT_EQ(m["service"], "prefecture-69");
      seen.insert(m["id"].get<int64_t>());
      EXPECT_EQ(m.contains("body"), !summary) << m;
      EXPECT_EQ(m.contains("excerpt"), summary) << m;
      if (summary) {
        EXPECT_EQ(m["excerpt"], store_->GetMessage(m["id"].get<int64_t>())->body)
            << "short bodies whole";
      }
    }
    EXPECT_EQ(body["counts"]["new"], 5);
    if (body["next_after_id"].is_null()) break;
    after = std::to_string(body["next_after_id"].get<int64_t>());
  }
  EXPECT_EQ(seen.size(), 5u);
  // The admin sees every service.
  auto all = Get(Login("root"), "/api/messages?limit=200");
  EXPECT_EQ(json::parse(all->body)["messages"].size(), 9u);
}

TEST_F(WorkflowTest, AuditIsForSupervisorsOfTheirOwnService) {
  Session claire = Login("claire");
  Session marc = Login("marc");
  ASSERT_EQ(Post(claire, "/api/messages/" + std::to_string(pref_msg_) + "/reply",
                 {{"text", "Réponse préfecture"}})
                ->status,
            201);
  ASSERT_EQ(
      Post(marc, "/api/messages/" + std::to_string(caf_msg_) + "/reply", {{"text", "Réponse CAF"}})
          ->status,
      201);
  ExpectError(Get(claire, "/api/audit"), 403, "forbidden");
  ExpectError(Client().Get("/api/audit", Bearer()), 403, "forbidden");
  auto res = Get(Login("sophie"), "/api/audit?limit=200");
  ASSERT_EQ(res->status, 200) << res->body;
  json entries = json::parse(res->body)["entries"];
  ASSERT_FALSE(entries.empty());
  bool saw_reply = false;
  for (const auto& e : entries) {
    EXPECT_EQ(e["service"], "prefecture-69") << e.dump();
    if (e["action"] == "reply_sent") {
      saw_reply = true;
      EXPECT_EQ(e["final_text"], "Réponse préfecture");
      EXPECT_EQ(e["decision"], "written_without_ai");
      EXPECT_EQ(e["message_id"], pref_msg_);
      EXPECT_EQ(e["at"], FormatIsoUtc(kStart));
    }
  }
  EXPECT_TRUE(saw_reply);
  auto by_msg = Get(Login("sophie"), "/api/audit?message_id=" + std::to_string(caf_msg_));
  EXPECT_TRUE(json::parse(by_msg->body)["entries"].empty());
  auto admin = Get(Login("root"), "/api/audit?limit=200&message_id=" + std::to_string(caf_msg_));
  ASSERT_EQ(json::parse(admin->body)["entries"].size(), 1u);
  ExpectError(Get(Login("sophie"), "/api/audit?limit=0"), 400, "invalid_argument");
}

// --- Messages -------------------------------------------------------------------------------

TEST_F(WorkflowTest, ApiTokenCreatesAndReadsMessagesOfItsService) {
  auto res = Client().Post("/api/messages", Bearer(),
                           json{{"body", "Bonjour, je souhaite renouveler mon passeport."},
                                {"sender_name", "Jeanne Dupont"},
                                {"channel", "web_form"},
                                {"received_at", "2026-11-23T10:15:00Z"}}
                               .dump(),
                           "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  json m = json::parse(res->body)["message"];
  EXPECT_EQ(m["service"], "prefecture-69");
  EXPECT_EQ(m["channel"], "web_form");
  EXPECT_EQ(m["status"], "new");
  EXPECT_EQ(m["received_at"], "2026-11-23T10:15:00Z");
  auto list = Client().Get("/api/messages?status=new&channel=web_form", Bearer());
  ASSERT_EQ(list->status, 200) << list->body;
  json l = json::parse(list->body);
  ASSERT_EQ(l["messages"].size(), 1u);
  EXPECT_EQ(l["messages"][0]["id"], m["id"]);
  EXPECT_TRUE(l["next_after_id"].is_null());
  EXPECT_EQ(l["counts"]["new"], 2);
  auto ranged =
      Client().Get("/api/messages?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z", Bearer());
  EXPECT_EQ(json::parse(ranged->body)["messages"].size(), 1u);
  // Tokens cannot act as agents.
  const std::string path = "/api/messages/" + m["id"].dump();
  ExpectError(Client().Post((path + "/drafts").c_str(), Bearer(), "{}", "application/json"), 403,
              "forbidden");
  ExpectError(Client().Post((path + "/assign").c_str(), Bearer(), "{}", "application/json"), 403,
              "forbidden");
  ExpectError(Client().Get("/api/auth/me", Bearer()), 403, "forbidden");
  EXPECT_EQ(Client().Get(path.c_str(), Bearer())->status, 200);
}

TEST_F(WorkflowTest, AssignDefaultsToSelfAndMovesNewToInProgress) {
  Session s = Login("claire");
  auto res = Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/assign", json::object());
  ASSERT_EQ(res->status, 200) << res->body;
  json m = json::parse(res->body)["message"];
  EXPECT_EQ(m["assigned_agent"], "claire");
  EXPECT_EQ(m["status"], "in_progress");
  res =
      Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/assign", {{"agent_login", "paul"}});
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["message"]["assigned_agent"], "paul");
  auto list = Get(s, "/api/messages");
  EXPECT_EQ(json::parse(list->body)["counts"]["in_progress"], 1);
  ExpectError(Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/assign",
                   {{"agent_login", "personne"}}),
              404, "not_found");
}

// --- Bad input ------------------------------------------------------------------------------

TEST_F(WorkflowTest, BadInputGetsJsonErrorsAndTheServerKeepsServing) {
  Session s = Login("claire");
  const std::string reply = "/api/messages/" + std::to_string(pref_msg_) + "/reply";
  auto post = [&](const std::string& path, const std::string& body) {
    return Client().Post(path.c_str(), With(s), body, "application/json");
  };
  ExpectError(post(reply, "{\"text\": "), 400, "invalid_json");
  ExpectError(post(reply, ""), 400, "invalid_json");
  ExpectError(post(reply, "[1, 2]"), 400, "invalid_json");
  ExpectError(post(reply, "{\"text\": \"caf\xe9\"}"), 400, "invalid_json");  // Latin-1 é
  ExpectError(post(reply, R"({"text": 5})"), 400, "invalid_argument");
  ExpectError(post(reply, R"({"text": "ok", "draft_id": "3"})"), 400, "invalid_argument");
  ExpectError(post(reply, R"({"text": "   "})"), 400, "invalid_argument");
  ExpectError(post(reply, json{{"text", std::string(150 * 1024, 'a')}}.dump()), 413,
              "payload_too_large");
  ExpectError(post(reply, json{{"text", std::string(2 << 20, 'a')}}.dump()), 413,
              "payload_too_large");
  ExpectError(post("/api/messages", R"({"subject": "sans corps"})"), 400, "invalid_argument");
  ExpectError(post("/api/messages", R"({"body": "x", "channel": "pigeon"})"), 400,
              "invalid_argument");
  ExpectError(post("/api/messages", R"({"body": "x", "received_at": "hier"})"), 400,
              "invalid_argument");
  ExpectError(post("/api/messages", R"({"body": ["x"]})"), 400, "invalid_argument");
  ExpectError(post("/api/messages", json{{"body", std::string(101 * 1024, 'a')}}.dump()), 413,
              "payload_too_large");
  ExpectError(post("/api/auth/login", R"({"login": 1, "password": "x"})"), 400, "invalid_argument");
  ExpectError(post("/api/messages/999999/reply", R"({"text": "x"})"), 404, "not_found");
  ExpectError(post("/api/messages/abc/reply", R"({"text": "x"})"), 404, "not_found");
  ExpectError(post("/api/messages/99999999999999999999999/reply", R"({"text": "x"})"), 404,
              "not_found");
  ExpectError(post("/api/drafts/999999/discard", "{}"), 404, "not_found");
  ExpectError(
      post("/api/messages/" + std::to_string(pref_msg_) + "/drafts", R"({"engine": "oracle"})"),
      400, "invalid_argument");
  for (const char* q :
       {"limit=0", "limit=201", "limit=abc", "status=perdu", "channel=fax", "from=yesterday",
        "to=2026-02-31T00:00:00Z", "after_id=-1", "after_id=1e3", "view=brief"}) {
    ExpectError(Get(s, std::string("/api/messages?") + q), 400, "invalid_argument");
  }
  ExpectError(Get(s, "/api/nowhere"), 404, "not_found");
  EXPECT_TRUE(store_->ListDecisions(pref_msg_)->empty());
  auto health = Client().Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Get(s, "/api/messages")->status, 200);
}

// --- Drafts ---------------------------------------------------------------------------------

TEST_F(WorkflowTest, EnginesAreListedDefaultFirst) {
  auto res = Get(Login("claire"), "/api/engines");
  ASSERT_EQ(res->status, 200);
  json body = json::parse(res->body);
  EXPECT_EQ(body["engines"], json({"embedded", "generative"}));
  EXPECT_EQ(body["default"], "embedded");
}

TEST_F(WorkflowTest, DraftsStreamAsServerSentEvents) {
  Session s = Login("claire");
  httplib::Headers h = With(s);
  h.emplace("Accept", "text/event-stream");
  auto res = Client().Post(("/api/messages/" + std::to_string(pref_msg_) + "/drafts").c_str(), h,
                           "{}", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type").rfind("text/event-stream", 0), 0u);
  std::string text;
  json final_draft;
  size_t pos = 0;
  int deltas = 0;
  while (pos < res->body.size()) {
    size_t end = res->body.find("\n\n", pos);
    ASSERT_NE(end, std::string::npos) << res->body;
    std::string event = res->body.substr(pos, end - pos);
    pos = end + 2;
    size_t nl = event.find('\n');
    std::string name = event.substr(7, nl - 7);
    json data = json::parse(event.substr(nl + 7));
    if (name == "delta") {
      text += data["text"].get<std::string>();
      ++deltas;
    } else {
      ASSERT_EQ(name, "draft") << event;
      final_draft = data;
    }
  }
  EXPECT_EQ(deltas, 3);
  EXPECT_EQ(text, FakeDrafter::kText);
  ASSERT_TRUE(final_draft.contains("id"));
  EXPECT_EQ(final_draft["text"], FakeDrafter::kText);
  auto stored = store_->GetDraft(final_draft["id"].get<int64_t>());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->message_id, pref_msg_);
}

TEST_F(WorkflowTest, ClientDisconnectCancelsTheGeneration) {
  Session s = Login("claire");
  drafter_.endless = true;
  auto ended = drafter_.endless_result.get_future();
  httplib::Request req;
  req.method = "POST";
  req.path = "/api/messages/" + std::to_string(pref_msg_) + "/drafts";
  req.headers = With(s);
  req.set_header("Accept", "text/event-stream");
  req.set_header("Content-Type", "application/json");
  req.body = "{}";
  int chunks = 0;
  req.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) {
    return ++chunks < 2;  // read a little, then hang up
  };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  {
    httplib::Client client("127.0.0.1", server_->port());
    (void)client.send(req, res, err);
  }  // connection closed
  // Hang guard only: the generation must stop long before this.
  ASSERT_EQ(ended.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  Status end = ended.get();
  EXPECT_EQ(end.code(), StatusCode::kCancelled) << end.ToString();
  EXPECT_TRUE(store_->ListDrafts(pref_msg_)->empty()) << "a cancelled draft is not stored";
}

TEST_F(WorkflowTest, WithoutDrafterDraftRoutesAnswer503InFrench) {
  StopServer();
  StartServer(nullptr);
  Session s = Login("claire");
  auto res = Post(s, "/api/messages/" + std::to_string(pref_msg_) + "/drafts", json::object());
  ExpectError(res, 503, "unavailable");
  EXPECT_NE(res->body.find("disponible"), std::string::npos) << res->body;
  auto engines = Get(s, "/api/engines");
  EXPECT_TRUE(json::parse(engines->body)["engines"].empty());
}

// --- Admin and OpenAPI -------------------------------------------------------------------------

TEST_F(WorkflowTest, AdminCreatesAgentsAndTokens) {
  Session root = Login("root");
  auto res = Post(root, "/api/admin/agents",
                  {{"login", "lea"},
                   {"display_name", "Léa Petit"},
                   {"password", "un autre mot de passe"},
                   {"role", "supervisor"},
                   {"service", "mairie-lyon"}});
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(json::parse(res->body)["agent"]["role"], "supervisor");
  EXPECT_EQ(LoginRaw("lea", "un autre mot de passe")->status, 200);
  ExpectError(Post(root, "/api/admin/agents",
                   {{"login", "lea"},
                    {"password", "un autre mot de passe"},
                    {"role", "agent"},
                    {"service", "mairie-lyon"}}),
              409, "conflict");
  ExpectError(Post(root, "/api/admin/agents",
                   {{"login", "x"}, {"password", "court"}, {"role", "agent"}, {"service", "s"}}),
              400, "invalid_argument");
  ExpectError(
      Post(root, "/api/admin/agents",
           {{"login", "y"}, {"password", "assez long oui"}, {"role", "roi"}, {"service", "s"}}),
      400, "invalid_argument");
  auto tok = Post(root, "/api/admin/tokens", {{"service", "mairie-lyon"}, {"label", "site"}});
  ASSERT_EQ(tok->status, 201) << tok->body;
  std::string token = json::parse(tok->body)["token"];
  auto list = Client().Get("/api/messages", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(list->status, 200);
  // Not for others.
  Session sophie = Login("sophie");
  ExpectError(Post(sophie, "/api/admin/agents", {{"login", "z"}}), 403, "forbidden");
  ExpectError(Post(sophie, "/api/admin/tokens", {{"service", "prefecture-69"}}), 403, "forbidden");
}

TEST_F(WorkflowTest, OpenApiDocumentDescribesTheContract) {
  auto res = Client().Get("/api/openapi.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  json doc = json::parse(res->body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  for (const char* path :
       {"/api/auth/login", "/api/auth/logout", "/api/auth/me", "/api/messages",
        "/api/messages/{id}", "/api/messages/{id}/assign", "/api/engines",
        "/api/messages/{id}/drafts", "/api/drafts/{id}/discard", "/api/messages/{id}/reply",
        "/api/audit", "/api/admin/agents", "/api/admin/tokens", "/api/health", "/api/search"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
  EXPECT_TRUE(doc["components"]["schemas"].contains("Draft"));
  // Every schema a path refers to is defined.
  const std::string text = doc["paths"].dump();
  for (size_t at = text.find("#/components/schemas/"); at != std::string::npos;
       at = text.find("#/components/schemas/", at + 1)) {
    const size_t begin = at + std::string_view("#/components/schemas/").size();
    const std::string name = text.substr(begin, text.find('"', begin) - begin);
    EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
  }
  const json summary = doc["components"]["schemas"]["MessageSummary"]["properties"];
  EXPECT_TRUE(summary.contains("excerpt"));
  EXPECT_FALSE(summary.contains("body"));
  EXPECT_TRUE(doc["components"]["schemas"]["Message"]["properties"].contains("body"));
}

// --- Text metrics ---------------------------------------------------------------------------

TEST(TextMetricsTest, IsoTimestamps) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIsoUtc(951'782'400'000), "2000-02-29T00:00:00Z");
  // Same text as gmtime_r + strftime over four centuries of random instants.
  std::mt19937_64 rng(20261124);
  for (int i = 0; i < 20000; ++i) {
    const int64_t ms = static_cast<int64_t>(rng() % 12'600'000'000'000ULL) - 2'208'988'800'000;
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char expected[48];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ASSERT_EQ(FormatIsoUtc(ms), expected) << ms;
  }
  auto t = ParseIsoUtc("2026-11-23T10:15:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatIsoUtc(*t), "2026-11-23T10:15:00Z");
  EXPECT_EQ(*ParseIsoUtc("2026-11-23T10:15:00.250Z"), *t + 250);
  EXPECT_EQ(*ParseIsoUtc("2026-11-23T10:15:00+00:00"), *t);
  for (const char* bad : {"", "2026-11-23", "2026-11-23T10:15:00", "2026-11-23T10:15:00+02:00",
                          "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "x026-11-23T10:15:00Z",
                          "2026-11-23T10:15:00.Z"}) {
    EXPECT_FALSE(ParseIsoUtc(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace plume::http
