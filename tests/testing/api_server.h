// TEST HELPER: a real Plume HTTP server for API tests. A real SQLite file in a temporary
// directory, agents hashed with fast password parameters, the server on 127.0.0.1 port 0 in a
// thread of its own, an httplib client, agent sessions (cookie + CSRF token) and the JSON error
// contract check. Time is a FakeClock, so expiry and rate limits need no sleep.
//
// Use: derive the fixture from ::testing::Test and ApiServer; in SetUp call
// ASSERT_NO_FATAL_FAILURE(OpenStore()), set options_, create agents and data, then
// ASSERT_NO_FATAL_FAILURE(StartServer(drafter)), and StopServer() in TearDown: the server
// borrows the fixture's own members (drafter, router...), which die before this base.
// Header-only: each test binary that includes it links plume_http, plume_auth,
// plume_store_sqlite and httplib.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "auth/authenticator.h"
#include "auth/password.h"
#include "http/server.h"
#include "plume/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume::testing {

inline constexpr int64_t kApiStart = 1'800'000'000'000;  // 2027-01-15
inline constexpr const char* kAgentPassword = "mot de passe solide";

// Finds nothing: for servers whose tests do not search the knowledge base.
class NoRetriever final : public Retriever {
 public:
  Result<std::vector<SearchHit>> Search(const SearchRequest&) const override {
    return std::vector<SearchHit>{};
  }
  std::string Name() const override { return "none"; }
};

struct AgentSession {
  std::string cookie;  // "plume_session=..."
  std::string csrf;
};

struct AgentSpec {
  std::string login;
  AgentRole role;
  std::string service;
};

class ApiServer {
 public:
  explicit ApiServer(int64_t start_ms = kApiStart) : clock_(start_ms) {}
  ~ApiServer() { StopServer(); }
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Opens `db` (default: plume.db in dir_); options_ gets 127.0.0.1, port 0 and fast hashing.
  void OpenStore(const std::filesystem::path& db = {}) {
    auto s = SqliteStore::Open((db.empty() ? dir_.path() / "plume.db" : db).string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    options_.host = "127.0.0.1";
    options_.port = 0;
    options_.auth.password = auth::FastPasswordParamsForTests();
  }
  // Agents whose display name is their login and password kAgentPassword.
  void CreateAgents(const std::vector<AgentSpec>& agents) {
    auth::Authenticator accounts(*store_, clock_, options_.auth);
    for (const auto& spec : agents) {
      Agent a;
      a.login = spec.login;
      a.display_name = spec.login;
      a.role = spec.role;
      a.service = spec.service;
      ASSERT_TRUE(accounts.CreateAgent(a, kAgentPassword).ok()) << spec.login;
    }
  }
  // An integration token of `service`; empty (and a test failure) on error.
  std::string CreateApiToken(const std::string& service, const std::string& label) {
    auth::Authenticator accounts(*store_, clock_, options_.auth);
    auto token = accounts.CreateApiToken(service, label);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? token->token : std::string();
  }
  // Starts the server with options_ as they are now; `drafter` may be null (no draft route).
  void StartServer(Drafter* drafter = nullptr) {
    server_ = std::make_unique<http::Server>(*store_, *retriever_, drafter, clock_, options_);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Listen(); });
  }
  void StopServer() {
    if (!server_) return;
    server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  httplib::Client Client() const { return httplib::Client("127.0.0.1", server_->port()); }
  httplib::Result LoginRaw(const std::string& login, const std::string& password) const {
    return Client().Post("/api/auth/login",
                         nlohmann::json{{"login", login}, {"password", password}}.dump(),
                         "application/json");
  }
  // Logs in with kAgentPassword; an empty session (and a test failure) when refused.
  AgentSession Login(const std::string& login) const {
    auto res = LoginRaw(login, kAgentPassword);
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    if (res->status != 200) return {};
    std::string cookie = res->get_header_value("Set-Cookie");
    return {cookie.substr(0, cookie.find(';')),
            nlohmann::json::parse(res->body)["csrf_token"].get<std::string>()};
  }
  static httplib::Headers With(const AgentSession& s, bool csrf = true) {
    httplib::Headers h{{"Cookie", s.cookie}};
    if (csrf) h.emplace("X-CSRF-Token", s.csrf);
    return h;
  }
  httplib::Result Post(const AgentSession& s, const std::string& path, const nlohmann::json& body,
                       bool csrf = true) const {
    return Client().Post(path.c_str(), With(s, csrf), body.dump(), "application/json");
  }
  httplib::Result Get(const AgentSession& s, const std::string& path) const {
    return Client().Get(path.c_str(), With(s, false));
  }
  // The error contract: `status`, a JSON body {"error": {"code": code, "message": non-empty}}.
  static void ExpectError(const httplib::Result& res, int status, const std::string& code) {
    ASSERT_TRUE(res) << "no response";
    EXPECT_EQ(res->status, status) << res->body;
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << res->body;
    EXPECT_EQ(body["error"]["code"], code) << res->body;
    EXPECT_TRUE(body["error"]["message"].is_string() &&
                !body["error"]["message"].get<std::string>().empty())
        << res->body;
  }

 protected:
  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<SqliteStore> store_;
  NoRetriever no_retriever_;
  const Retriever* retriever_ = &no_retriever_;  // a test may point it at a real retriever
  http::ServerOptions options_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace plume::testing
