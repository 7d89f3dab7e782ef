// The HTTP server on 127.0.0.1, port 0, over a real store and index; httplib as the client.
#include "http/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "auth/authenticator.h"
#include "testing/kb_fixture.h"

namespace plume::http {
namespace {

using json = nlohmann::json;

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    kb_ = new testing::KbFixture(testing::BuildKbFixture(dir_->path()));
    ServerOptions options;
    options.port = 0;
    options.max_body_bytes = 1 << 16;
    options.auth.password = auth::FastPasswordParamsForTests();
    auth::Authenticator accounts(*kb_->store, clock_, options.auth);
    Agent agent;
    agent.login = "claire";
    agent.service = "prefecture-69";
    ASSERT_TRUE(accounts.CreateAgent(agent, "mot de passe solide").ok());
    server_ = new Server(*kb_->store, *kb_->retriever, nullptr, clock_, options);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = new std::thread([] { (void)server_->Listen(); });
    auto login =
        httplib::Client("127.0.0.1", server_->port())
            .Post("/api/auth/login", R"({"login": "claire", "password": "mot de passe solide"})",
                  "application/json");
    ASSERT_TRUE(login);
    ASSERT_EQ(login->status, 200) << login->body;
    std::string cookie = login->get_header_value("Set-Cookie");
    cookie_ = cookie.substr(0, cookie.find(';'));
  }
  static void TearDownTestSuite() {
    server_->Stop();
    thread_->join();
    delete thread_;
    delete server_;
    delete kb_;
    delete dir_;
  }
  // A client logged in as an agent (search and documents need a session).
  static httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_default_headers({{"Cookie", cookie_}});
    return c;
  }
  static void ExpectJsonError(const httplib::Result& res, int status, const std::string& code) {
    ASSERT_TRUE(res) << "no response";
    EXPECT_EQ(res->status, status) << res->body;
    json body = json::parse(res->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << res->body;
    EXPECT_EQ(body["error"]["code"], code) << res->body;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  }

  static testing::TempDir* dir_;
  static testing::KbFixture* kb_;
  static Server* server_;
  static std::thread* thread_;
  static SystemClock clock_;
  static std::string cookie_;
};
SystemClock ServerTest::clock_;
std::string ServerTest::cookie_;
testing::TempDir* ServerTest::dir_ = nullptr;
testing::KbFixture* ServerTest::kb_ = nullptr;
Server* ServerTest::server_ = nullptr;
std::thread* ServerTest::thread_ = nullptr;

TEST_F(ServerTest, Health) {
  auto res = Client().Get("/api/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  json body = json::parse(res->body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_GT(body["documents"].get<int>(), 20);
}

TEST_F(ServerTest, Search) {
  auto res = Client().Get("/api/search?q=perte%20carte%20d%27identit%C3%A9&limit=3");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json body = json::parse(res->body);
  ASSERT_EQ(body["results"].size(), 3u);
  bool found = false;  // adult (F1344) and minor (F1153) loss fiches compete for first place
  for (const auto& r : body["results"]) found |= r["fiche_id"] == "F1344";
  EXPECT_TRUE(found) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
}

TEST_F(ServerTest, BadSearchInputIsA400WithJsonError) {
  ExpectJsonError(Client().Get("/api/search"), 400, "invalid_argument");
  ExpectJsonError(Client().Get("/api/search?q=%FF%FE"), 400, "invalid_argument");
  ExpectJsonError(Client().Get("/api/search?q=carte&limit=abc"), 400, "invalid_argument");
  ExpectJsonError(Client().Get("/api/search?q=carte&limit=100000000000000000000"), 400,
                  "invalid_argument");
  ExpectJsonError(Client().Get("/api/search?q=carte&limit=0"), 400, "invalid_argument");
  ExpectJsonError(Client().Get(("/api/search?q=" + std::string(5000, 'a')).c_str()), 400,
                  "invalid_argument");
}

TEST_F(ServerTest, SearchAndDocumentsNeedASession) {
  httplib::Client anonymous("127.0.0.1", server_->port());
  ExpectJsonError(anonymous.Get("/api/search?q=carte"), 401, "unauthenticated");
  ExpectJsonError(anonymous.Get("/api/documents/particuliers/F1137"), 401, "unauthenticated");
  EXPECT_EQ(anonymous.Get("/api/health")->status, 200);
}

TEST_F(ServerTest, Documents) {
  auto res = Client().Get("/api/documents/particuliers/F1137");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  json body = json::parse(res->body);
  EXPECT_EQ(body["id"], "particuliers/F1137");
  EXPECT_FALSE(body["sections"].empty());
  ExpectJsonError(Client().Get("/api/documents/particuliers/F999999"), 404, "not_found");
  ExpectJsonError(Client().Get("/api/nowhere"), 404, "not_found");
}

TEST_F(ServerTest, OversizedBodyIsRefused) {
  auto res = Client().Post("/api/search", std::string(1 << 17, 'x'), "application/json");
  ASSERT_TRUE(res);
  EXPECT_GE(res->status, 400);
  EXPECT_LT(res->status, 500);
}

TEST_F(ServerTest, FallbackPageInFrench) {
  auto res = Client().Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("lang=\"fr\""), std::string::npos);
}

}  // namespace
}  // namespace plume::http
