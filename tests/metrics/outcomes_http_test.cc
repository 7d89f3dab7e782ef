// Outcome routes over a real SQLite file: satisfaction page and token abuse, draft feedback,
// outcome figures with service isolation, Prometheus /metrics. Server on 127.0.0.1 port 0,
// FakeClock for expiry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http/fake_drafter.h"
#include "testing/api_server.h"

namespace plume::http {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

using Session = plume::testing::AgentSession;
constexpr int64_t kDay = 86'400'000;

class OutcomesHttpTest : public ::testing::Test, protected plume::testing::ApiServer {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore());
    options_.satisfaction.max_requests_per_ip_per_hour = 12;
    ASSERT_NO_FATAL_FAILURE(CreateAgents({{"claire", AgentRole::kAgent, "prefecture-69"},
                                          {"sophie", AgentRole::kSupervisor, "prefecture-69"},
                                          {"marc", AgentRole::kAgent, "caf-75"},
                                          {"nadia", AgentRole::kSupervisor, "caf-75"},
                                          {"root", AgentRole::kAdmin, "plume"}}));
    api_token_ = CreateApiToken("prefecture-69", "formulaire");
    Message m;
    m.service = "prefecture-69";
    m.body = "J'ai perdu ma carte d'identité.";
    m.received_at_ms = clock_.NowMillis() - 2 * kDay;
    message_ = *store_->CreateMessage(m);
    ASSERT_NO_FATAL_FAILURE(StartServer(&drafter_));
  }
  void TearDown() override { StopServer(); }

  fakes::FakeDrafter drafter_;
  std::string api_token_;
  int64_t message_ = 0;
};

TEST_F(OutcomesHttpTest, FeedbackReplyRatingAndFigures) {
  Session claire = Login("claire");
  auto res = Post(claire, "/api/messages/" + std::to_string(message_) + "/drafts", json::object());
  ASSERT_TRUE(res && res->status == 201) << (res ? res->body : "");
  const json draft = json::parse(res->body)["draft"];
  const std::string feedback_path =
      "/api/drafts/" + std::to_string(draft["id"].get<int>()) + "/feedback";

  // Draft feedback: validation, service isolation, API tokens refused.
  ExpectError(Post(claire, feedback_path, {{"reasons", json::array()}}), 400, "invalid_argument");
  ExpectError(Post(claire, feedback_path, {{"thumbs_up", false}, {"reasons", {"faux"}}}), 400,
              "invalid_argument");
  ExpectError(Post(claire, feedback_path, {{"thumbs_up", "non"}}), 400, "invalid_argument");
  ExpectError(Post(Login("marc"), feedback_path, {{"thumbs_up", true}}), 404, "not_found");
  ExpectError(Client().Post(feedback_path.c_str(),
                            httplib::Headers{{"Authorization", "Bearer " + api_token_}},
                            R"({"thumbs_up":true})", "application/json"),
              403, "forbidden");
  res = Post(claire, feedback_path,
             {{"thumbs_up", false}, {"reasons", {"inexact", "ton", "inexact"}}, {"comment", "x"}});
  ASSERT_TRUE(res && res->status == 201) << (res ? res->body : "");
  EXPECT_EQ(json::parse(res->body)["feedback"]["reasons"], json({"inexact", "ton"}));

  // Reply (edited) -> satisfaction link.
  res = Post(claire, "/api/messages/" + std::to_string(message_) + "/reply",
             {{"draft_id", draft["id"]}, {"text", draft["text"].get<std::string>() + " Merci."}});
  ASSERT_TRUE(res && res->status == 201) << (res ? res->body : "");
  const std::string avis = json::parse(res->body)["satisfaction_path"];
  ASSERT_EQ(avis.rfind("/avis/", 0), 0u) << avis;
  const std::string token = avis.substr(6);
  const std::string api_path = "/api/satisfaction/" + token;

  // Public page, no login.
  res = Client().Get(avis.c_str());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("Cette réponse vous a-t-elle été utile ?"));
  EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");

  res = Client().Post(api_path.c_str(), R"({"score":4,"useful":true,"comment":"<b>merci</b>"})",
                      "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  ExpectError(Client().Post(api_path.c_str(), R"({"score":9})", "application/json"), 400,
              "invalid_argument");
  ExpectError(Client().Post(api_path.c_str(), R"({"score":"4"})", "application/json"), 400,
              "invalid_argument");
  ExpectError(Client().Post(api_path.c_str(), "{", "application/json"), 400, "invalid_json");
  clock_.Advance(3 * kDay);
  res = Client().Post(api_path.c_str(), "score=5&useful=non&comment=tr%C3%A8s+bien",
                      "application/x-www-form-urlencoded");  // the page's own form, edited
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_THAT(res->body, HasSubstr("Merci, votre avis a bien été enregistré."));
  EXPECT_THAT(res->body, HasSubstr("très bien"));

  // Forged, altered: 404 with the same message.
  std::string altered = token;
  altered[5] = altered[5] == 'x' ? 'y' : 'x';
  auto forged = Client().Post(("/api/satisfaction/" + std::string(43, 'A')).c_str(),
                              R"({"score":1})", "application/json");
  auto changed =
      Client().Post(("/api/satisfaction/" + altered).c_str(), R"({"score":1})", "application/json");
  ExpectError(forged, 404, "not_found");
  ExpectError(changed, 404, "not_found");
  EXPECT_EQ(forged->body, changed->body);
  EXPECT_EQ(Client().Get(("/avis/" + altered).c_str())->status, 404);

  // A week after the first rating: reuse refused.
  clock_.Advance(4 * kDay);
  ExpectError(Client().Post(api_path.c_str(), R"({"score":1})", "application/json"), 410, "gone");
  EXPECT_EQ(Client().Get(avis.c_str())->status, 410);

  // Figures: supervisors only, own service only.
  const std::string q = "/api/metrics/outcomes?from=2027-01-01&to=2027-01-31&granularity=day";
  Session sophie = Login("sophie");
  res = Get(sophie, q);
  ASSERT_TRUE(res && res->status == 200) << (res ? res->body : "");
  json fig = json::parse(res->body);
  EXPECT_EQ(fig["query"]["service"], "prefecture-69");
  EXPECT_EQ(fig["total"]["messages_received"], 1);
  EXPECT_EQ(fig["total"]["replies"]["edited"], 1);
  EXPECT_DOUBLE_EQ(fig["total"]["ai_assisted_share"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(fig["total"]["response_time_hours"]["median"].get<double>(), 48.0);
  EXPECT_EQ(fig["total"]["satisfaction"]["ai_assisted"]["ratings"], 1);
  EXPECT_DOUBLE_EQ(fig["total"]["satisfaction"]["all"]["mean_score"].get<double>(), 5.0);
  EXPECT_EQ(fig["total"]["agent_feedback"]["thumbs_down"], 1);
  EXPECT_EQ(fig["total"]["agent_feedback"]["reasons"]["ton"], 1);
  EXPECT_EQ(fig["periods"].size(), 31u);
  ExpectError(Get(Login("claire"), q), 403, "forbidden");  // the old session has expired
  ExpectError(Get(sophie, q + "&service=caf-75"), 404, "not_found");
  ExpectError(Get(sophie, "/api/metrics/outcomes?from=2027-02-30"), 400, "invalid_argument");
  ExpectError(Client().Get(q.c_str()), 401, "unauthenticated");
  res = Get(Login("nadia"), q);
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(json::parse(res->body)["total"]["replies"]["total"], 0);
  res = Get(Login("root"), "/api/metrics/outcomes.csv?from=2027-01-01&to=2027-01-31");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_THAT(res->body, HasSubstr("\r\ntotal,tous,1,1,1,0,1,0,1,0,48.00,48.00,1.0000,"));
  EXPECT_THAT(res->body, HasSubstr("\r\nservice,prefecture-69,1,"));

  // Prometheus: request counts by route pattern, draft latency by engine, queue sizes; the
  // satisfaction token never appears.
  res = Client().Get("/metrics");
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(res->body, HasSubstr("plume_http_requests_total{route=\"POST "
                                   "/api/messages/{id}/reply\",status=\"201\"} 1\n"));
  EXPECT_THAT(res->body, HasSubstr("plume_http_requests_total{route=\"POST "
                                   "/api/satisfaction/{token}\",status=\"404\"} 2\n"));
  EXPECT_THAT(res->body, HasSubstr("plume_draft_latency_seconds_count{engine=\"embedded\"} 1\n"));
  EXPECT_THAT(res->body, HasSubstr("plume_messages{status=\"answered\"} 1\n"));
  EXPECT_THAT(res->body, HasSubstr("# TYPE plume_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(res->body, ::testing::Not(HasSubstr(token)));
}

TEST_F(OutcomesHttpTest, SatisfactionIsRateLimitedPerAddress) {
  int limited_after = -1;
  for (int i = 0; i < 20 && limited_after < 0; ++i) {
    auto res = Client().Post(("/api/satisfaction/" + std::string(43, 'B')).c_str(),
                             R"({"score":3})", "application/json");
    ASSERT_TRUE(res);
    if (res->status == 429) limited_after = i;
  }
  EXPECT_EQ(limited_after, 12);  // max_requests_per_ip_per_hour
}

}  // namespace
}  // namespace plume::http
