// The public feedback route of the widget (POST|OPTIONS /api/v1/feedback) over a real SQLite file:
// server on 127.0.0.1 port 0, httplib client, FakeClock for the rate limits (no sleep).
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "testing/api_server.h"
#include "util/files.h"

namespace plume::http {
namespace {

using json = nlohmann::json;

constexpr const char* kSite = "https://www.mairie-x.fr";
constexpr const char* kPath = "/api/v1/feedback";

// Labels every readable text "etat-civil", so the test sees that the route classified it.
class FixedClassifier final : public IntentClassifier {
 public:
  Result<IntentPrediction> Predict(std::string_view text, int) const override {
    if (text.empty()) return InvalidArgument("empty");
    IntentPrediction p;
    p.label = "etat-civil";
    p.confidence = 0.9;
    return p;
  }
  std::string Name() const override { return "fixed"; }
};

json ValidFeedback() {
  return {{"service", "mairie-x"},
          {"procedure", "Demande de carte d'identité"},
          {"rating", 4},
          {"ease", 2},
          {"text", "Le formulaire en ligne est clair mais le rendez-vous a tardé."},
          {"name", "Jeanne Durand"},
          {"email", "jeanne.durand@example.org"}};
}

class FeedbackTest : public ::testing::Test, protected plume::testing::ApiServer {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    options_.intent_classifier = &classifier_;
    options_.feedback.services = {"mairie-x", "caf-75"};
    options_.feedback.origins = {std::string(kSite) + "/"};  // normalised by the server
    options_.feedback.ip_burst = 1000;
    options_.feedback.service_burst = 1000;
    ASSERT_NO_FATAL_FAILURE(CreateAgents(
        {{"claire", AgentRole::kAgent, "mairie-x"}, {"marc", AgentRole::kAgent, "caf-75"}}));
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }
  void TearDown() override { StopServer(); }

  void Restart() {
    StopServer();
    StartServer();
  }

  httplib::Result PostRaw(const std::string& body, const std::string& origin = kSite) {
    httplib::Headers h;
    if (!origin.empty()) h.emplace("Origin", origin);
    return Client().Post(kPath, h, body, "application/json");
  }
  httplib::Result Post(const json& body, const std::string& origin = kSite) {
    return PostRaw(body.dump(), origin);
  }

  size_t StoredMessages() {
    auto all = store_->ListMessages(MessageFilter{});
    EXPECT_TRUE(all.ok());
    return all.ok() ? all->size() : 0;
  }

  // The agent's view of its feedback messages through the API.
  json AgentFeedbackMessages(const std::string& login) {
    auto list = Get(Login(login), "/api/messages?channel=feedback");
    EXPECT_TRUE(list);
    if (!list) return {};
    EXPECT_EQ(list->status, 200) << list->body;
    return json::parse(list->body)["messages"];
  }

  static void ExpectError(const httplib::Result& res, int status, const std::string& code,
                          const std::string& what) {
    ASSERT_TRUE(res) << what << ": no response";
    EXPECT_EQ(res->status, status) << what << ": " << res->body;
    json body = json::parse(res->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << what << ": " << res->body;
    EXPECT_EQ(body["error"]["code"], code) << what << ": " << res->body;
    const std::string message = body["error"]["message"].get<std::string>();
    EXPECT_FALSE(message.empty()) << what;
  }

  FixedClassifier classifier_;
};

TEST_F(FeedbackTest, CreatesAClassifiedFeedbackMessageSeenByTheServiceAgent) {
  auto res = Post(ValidFeedback());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kSite);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Credentials"));
  EXPECT_FALSE(res->has_header("Set-Cookie"));
  json receipt = json::parse(res->body)["receipt"];
  const std::string reference = receipt["reference"];
  EXPECT_TRUE(std::regex_match(reference, std::regex("AVIS-[0-9A-F]{8}"))) << reference;
  EXPECT_NE(receipt["message"].get<std::string>().find("Merci"), std::string::npos);
  EXPECT_FALSE(receipt.contains("id"));

  json messages = AgentFeedbackMessages("claire");
  ASSERT_EQ(messages.size(), 1u) << messages.dump();
  const json& m = messages[0];
  EXPECT_EQ(m["service"], "mairie-x");
  EXPECT_EQ(m["channel"], "feedback");
  EXPECT_EQ(m["status"], "new");
  EXPECT_EQ(m["intent"], "etat-civil");
  EXPECT_EQ(m["subject"], "Avis 4/5 : Demande de carte d'identité");
  EXPECT_EQ(m["sender_name"], "Jeanne Durand");
  EXPECT_EQ(m["sender_email"], "jeanne.durand@example.org");
  const std::string body = m["body"];
  EXPECT_EQ(body.rfind("Le formulaire en ligne est clair mais le rendez-vous a tardé.", 0), 0u);
  for (const std::string& line : std::vector<std::string>{
           "Démarche : Demande de carte d'identité\n", "Satisfaction : 4/5\n", "Facilité : 2/5\n",
           "Site : https://www.mairie-x.fr\n", "Référence : " + reference + "\n"}) {
    EXPECT_NE(body.find(line), std::string::npos) << line << " in " << body;
  }
  EXPECT_EQ(m["received_at"], "2027-01-15T08:00:00Z");

  // Another service's agent does not see it.
  EXPECT_TRUE(AgentFeedbackMessages("marc").empty());

  // Minimal feedback: no procedure, ease, name or e-mail.
  auto minimal = Post({{"service", "caf-75"}, {"rating", 1}, {"text", "Très long."}});
  ASSERT_TRUE(minimal);
  ASSERT_EQ(minimal->status, 201) << minimal->body;
  json caf = AgentFeedbackMessages("marc");
  ASSERT_EQ(caf.size(), 1u);
  EXPECT_EQ(caf[0]["subject"], "Avis 1/5");
  EXPECT_EQ(caf[0]["body"].get<std::string>().find("Facilité"), std::string::npos);
}

TEST_F(FeedbackTest, EveryBadInputIsRefusedInFrenchAndNothingIsStored) {
  auto with = [](const char* key, json value) {
    json j = ValidFeedback();
    if (value.is_discarded()) {
      j.erase(key);
    } else {
      j[key] = std::move(value);
    }
    return j.dump();
  };
  const json missing(json::value_t::discarded);
  struct Case {
    std::string what;
    std::string body;
    int status;
    std::string code;
  };
  std::string invalid_utf8 = ValidFeedback().dump();
  invalid_utf8.replace(invalid_utf8.find("clair"), 5, "cl\xC3\x28r");
  const std::vector<Case> cases = {
      {"empty body", "", 400, "invalid_json"},
      {"malformed JSON", R"({"service": "mairie-x", "rating": 4,)", 400, "invalid_json"},
      {"array", "[1, 2]", 400, "invalid_json"},
      {"invalid UTF-8", invalid_utf8, 400, "invalid_json"},
      {"missing service", with("service", missing), 400, "invalid_argument"},
      {"service not a string", with("service", 42), 400, "invalid_argument"},
      {"unknown service", with("service", "prefecture-69"), 404, "not_found"},
      {"missing rating", with("rating", missing), 400, "invalid_argument"},
      {"rating as text", with("rating", "4"), 400, "invalid_argument"},
      {"rating as float", with("rating", 4.5), 400, "invalid_argument"},
      {"rating as bool", with("rating", true), 400, "invalid_argument"},
      {"rating 0", with("rating", 0), 400, "invalid_argument"},
      {"rating 6", with("rating", 6), 400, "invalid_argument"},
      {"ease 9", with("ease", 9), 400, "invalid_argument"},
      {"missing text", with("text", missing), 400, "invalid_argument"},
      {"blank text", with("text", "  \n "), 400, "invalid_argument"},
      {"text not a string", with("text", json::array({"a"})), 400, "invalid_argument"},
      {"NUL in text", with("text", std::string("avant\0après", 12)), 400, "invalid_argument"},
      {"text too long", with("text", std::string(options_.feedback.max_text_bytes + 1, 'a')), 413,
       "payload_too_large"},
      {"body too large", with("name", std::string(17000, 'a')), 413, "payload_too_large"},
      {"bad email", with("email", "pas-une-adresse"), 400, "invalid_argument"},
      {"email with space", with("email", "jeanne durand@example.org"), 400, "invalid_argument"},
      {"procedure too long", with("procedure", std::string(201, 'p')), 400, "invalid_argument"},
      {"procedure on two lines", with("procedure", "a\nb"), 400, "invalid_argument"},
      {"name not a string", with("name", json::object()), 400, "invalid_argument"},
  };
  for (const Case& c : cases) ExpectError(PostRaw(c.body), c.status, c.code, c.what);
  // Beyond the server's body limit httplib answers before the route, still in JSON.
  ExpectError(PostRaw(std::string(options_.max_body_bytes + 1, ' ')), 413, "payload_too_large",
              "body beyond max_body_bytes");
  EXPECT_EQ(StoredMessages(), 0u);

  // The error messages are in French.
  auto res = PostRaw(with("rating", 6));
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["error"]["message"],
            "La note « satisfaction » doit être un entier de 1 à 5.");

  // No feedback service configured at all: every service is unknown.
  options_.feedback.services.clear();
  Restart();
  ExpectError(Post(ValidFeedback()), 404, "not_found", "no feedback service");
  EXPECT_EQ(StoredMessages(), 0u);
}

TEST_F(FeedbackTest, CorsAllowsConfiguredOriginsOnly) {
  auto preflight = [this](const std::string& origin) {
    httplib::Headers h{{"Access-Control-Request-Method", "POST"},
                       {"Access-Control-Request-Headers", "content-type"}};
    if (!origin.empty()) h.emplace("Origin", origin);
    return Client().Options(kPath, h);
  };
  auto allowed = preflight(kSite);
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 204) << allowed->body;
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), kSite);
  EXPECT_NE(allowed->get_header_value("Access-Control-Allow-Methods").find("POST"),
            std::string::npos);
  EXPECT_NE(allowed->get_header_value("Access-Control-Allow-Headers").find("Content-Type"),
            std::string::npos);
  EXPECT_FALSE(allowed->has_header("Access-Control-Allow-Credentials"));
  EXPECT_EQ(allowed->get_header_value("Vary"), "Origin");

  for (const std::string& bad :
       std::vector<std::string>{"https://evil.example", "null", "http://www.mairie-x.fr",
                                "https://www.mairie-x.fr.evil.example"}) {
    auto denied = preflight(bad);
    ExpectError(denied, 403, "forbidden", "preflight from " + bad);
    EXPECT_FALSE(denied->has_header("Access-Control-Allow-Origin")) << bad;
    auto post = Post(ValidFeedback(), bad);
    ExpectError(post, 403, "forbidden", "post from " + bad);
    EXPECT_FALSE(post->has_header("Access-Control-Allow-Origin")) << bad;
  }
  ExpectError(preflight(""), 400, "invalid_argument", "preflight without Origin");
  EXPECT_EQ(StoredMessages(), 0u);

  // Plume's own pages (demo page) may post: Origin matches the Host header.
  const std::string own = "http://127.0.0.1:" + std::to_string(server_->port());
  auto self = Post(ValidFeedback(), own);
  ASSERT_TRUE(self);
  EXPECT_EQ(self->status, 201) << self->body;
  EXPECT_EQ(self->get_header_value("Access-Control-Allow-Origin"), own);
  // Not a browser (no Origin): accepted, without CORS headers.
  auto server_side = Post(ValidFeedback(), "");
  ASSERT_TRUE(server_side);
  EXPECT_EQ(server_side->status, 201) << server_side->body;
  EXPECT_FALSE(server_side->has_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(StoredMessages(), 2u);
}

TEST_F(FeedbackTest, RateLimitsPerAddressThenAllowsAfterRefill) {
  options_.feedback.ip_burst = 2;
  options_.feedback.ip_per_minute = 1;
  Restart();
  for (int i = 0; i < 2; ++i) {
    auto ok = Post(ValidFeedback());
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 201) << ok->body;
  }
  auto limited = Post(ValidFeedback());
  ExpectError(limited, 429, "rate_limited", "third request");
  EXPECT_EQ(limited->get_header_value("Retry-After"), "60");
  EXPECT_EQ(limited->get_header_value("Access-Control-Allow-Origin"), kSite);
  EXPECT_EQ(json::parse(limited->body)["error"]["message"],
            "Trop d'avis envoyés depuis votre connexion. Réessayez dans 1 minute.");
  // Bad requests count too: they cannot be used to flood the route.
  ExpectError(PostRaw("{"), 429, "rate_limited", "malformed while limited");
  EXPECT_EQ(StoredMessages(), 2u);

  clock_.Advance(30'000);  // half a token
  auto still = Post(ValidFeedback());
  ExpectError(still, 429, "rate_limited", "after 30 s");
  EXPECT_EQ(still->get_header_value("Retry-After"), "30");
  clock_.Advance(30'000);
  auto again = Post(ValidFeedback());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 201) << again->body;
  EXPECT_EQ(StoredMessages(), 3u);
}

TEST_F(FeedbackTest, RateLimitsPerServiceIndependently) {
  options_.feedback.service_burst = 1;
  options_.feedback.service_per_minute = 2;
  Restart();
  auto first = Post(ValidFeedback());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 201) << first->body;
  auto limited = Post(ValidFeedback());
  ExpectError(limited, 429, "rate_limited", "second feedback for mairie-x");
  EXPECT_EQ(limited->get_header_value("Retry-After"), "30");
  json caf = ValidFeedback();
  caf["service"] = "caf-75";
  auto other = Post(caf);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 201) << other->body;
  clock_.Advance(30'000);
  auto again = Post(ValidFeedback());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 201) << again->body;
  EXPECT_EQ(StoredMessages(), 3u);
}

TEST_F(FeedbackTest, HoneypotDropsBotsSilently) {
  json bot = ValidFeedback();
  bot["website"] = "https://casino.example";
  auto res = Post(bot);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_TRUE(json::parse(res->body)["receipt"].contains("reference"));
  // Even an otherwise invalid bot submission looks accepted.
  auto sloppy = Post({{"website", "x"}, {"rating", 99}});
  ASSERT_TRUE(sloppy);
  EXPECT_EQ(sloppy->status, 201) << sloppy->body;
  EXPECT_EQ(StoredMessages(), 0u);
  // An empty honeypot is the normal case.
  bot["website"] = "";
  auto human = Post(bot);
  ASSERT_TRUE(human);
  EXPECT_EQ(human->status, 201) << human->body;
  EXPECT_EQ(StoredMessages(), 1u);
}

TEST_F(FeedbackTest, CookiesAreIgnored) {
  // A session cookie does not matter (and is not needed): the route never authenticates.
  auto res = Client().Post(kPath, {{"Origin", kSite}, {"Cookie", "plume_session=forged"}},
                           ValidFeedback().dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Credentials"));
}

// --- Configuration file ------------------------------------------------------------------

TEST(FeedbackConfigTest, ReadsServicesOriginsAndLimits) {
  testing::TempDir dir;
  const auto file = dir.path() / "avis.toml";
  ASSERT_TRUE(util::WriteFileAtomic(file, R"(services = ["mairie-x", "caf-75"]
origins = ["https://www.mairie-x.fr/", "http://127.0.0.1:8081"]
[rate_limit]
per_address_burst = 3
per_address_per_minute = 0.5
per_service_per_minute = 10
)")
                  .ok());
  FeedbackOptions o;
  o.services = {"from-cli"};
  ASSERT_TRUE(LoadFeedbackConfig(file, &o).ok());
  EXPECT_EQ(o.services, (std::vector<std::string>{"from-cli", "mairie-x", "caf-75"}));
  EXPECT_EQ(o.origins,
            (std::vector<std::string>{"https://www.mairie-x.fr/", "http://127.0.0.1:8081"}));
  EXPECT_EQ(o.ip_burst, 3);
  EXPECT_EQ(o.ip_per_minute, 0.5);
  EXPECT_EQ(o.service_burst, FeedbackOptions{}.service_burst);
  EXPECT_EQ(o.service_per_minute, 10);
}

TEST(FeedbackConfigTest, RefusesBadFilesWithTheReason) {
  testing::TempDir dir;
  const auto file = dir.path() / "avis.toml";
  for (auto [content, expected] : std::vector<std::pair<std::string, std::string>>{
           {"services = [\"a\"", "ligne"},
           {"services = \"mairie-x\"", "liste"},
           {"services = [\"\"]", "non vides"},
           {"origins = [\"www.mairie-x.fr\"]", "origine invalide"},
           {"origins = [\"https://www.mairie-x.fr/avis\"]", "origine invalide"},
           {"[rate_limit]\nper_address_burst = -1", "positif"},
           {"[rate_limit]\nper_service_per_minute = \"vite\"", "positif"},
       }) {
    ASSERT_TRUE(util::WriteFileAtomic(file, content).ok());
    FeedbackOptions o;
    Status s = LoadFeedbackConfig(file, &o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << content;
    EXPECT_NE(s.message().find(expected), std::string::npos) << content << " -> " << s.message();
  }
  FeedbackOptions o;
  EXPECT_FALSE(LoadFeedbackConfig(dir.path() / "absent.toml", &o).ok());
}

TEST(FeedbackConfigTest, WebOrigins) {
  for (const char* good : {"https://www.mairie-x.fr", "http://127.0.0.1:8080", "http://[::1]:80"}) {
    EXPECT_TRUE(IsWebOrigin(good)) << good;
  }
  for (const char* bad : {"", "https://", "www.mairie-x.fr", "ftp://x.fr", "https://x.fr/avis",
                          "https://x.fr?q", "https://x .fr", "null"}) {
    EXPECT_FALSE(IsWebOrigin(bad)) << bad;
  }
}

}  // namespace
}  // namespace plume::http
