// TEST HELPER: a real Plume HTTP server (127.0.0.1, port 0) over a real SQLite store, with agents
// in two services, for the e-mail reply tests. Time is a FakeClock.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "auth/authenticator.h"
#include "auth/password.h"
#include "http/server.h"
#include "plume/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume::channels::testing {

using json = nlohmann::json;

inline constexpr int64_t kHttpStart = 1'800'000'000'000;  // 2027-01-15
inline constexpr const char* kAgentPassword = "mot de passe solide";

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

// Agents: claire (agent) and sophie (supervisor) of "mairie-35"; marc (agent) and nadia
// (supervisor) of "caf-75".
class PlumeHttp {
 public:
  // `options` carries what the test sets (mail_from, public_base_url...); host, port and auth
  // are set here.
  explicit PlumeHttp(const std::filesystem::path& db, http::ServerOptions options = {})
      : clock_(kHttpStart) {
    auto s = SqliteStore::Open(db.string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return;
    store_ = std::move(s).value();
    options.host = "127.0.0.1";
    options.port = 0;
    options.auth.password = auth::FastPasswordParamsForTests();
    auth::Authenticator accounts(*store_, clock_, options.auth);
    for (auto [login, role, service] : std::vector<std::tuple<std::string, AgentRole, std::string>>{
             {"claire", AgentRole::kAgent, "mairie-35"},
             {"sophie", AgentRole::kSupervisor, "mairie-35"},
             {"marc", AgentRole::kAgent, "caf-75"},
             {"nadia", AgentRole::kSupervisor, "caf-75"}}) {
      Agent a;
      a.login = login;
      a.display_name = login;
      a.role = role;
      a.service = service;
      EXPECT_TRUE(accounts.CreateAgent(a, kAgentPassword).ok());
    }
    server_ = std::make_unique<http::Server>(*store_, retriever_, nullptr, clock_, options);
    EXPECT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Listen(); });
  }
  ~PlumeHttp() {
    if (server_) {
      server_->Stop();
      thread_.join();
    }
  }

  Store& store() { return *store_; }
  FakeClock& clock() { return clock_; }
  httplib::Client Client() const { return httplib::Client("127.0.0.1", server_->port()); }

  AgentSession Login(const std::string& login) {
    auto res = Client().Post("/api/auth/login",
                             json{{"login", login}, {"password", kAgentPassword}}.dump(),
                             "application/json");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    std::string cookie = res->get_header_value("Set-Cookie");
    return {cookie.substr(0, cookie.find(';')), json::parse(res->body)["csrf_token"]};
  }
  static httplib::Headers With(const AgentSession& s, bool csrf = true) {
    httplib::Headers h{{"Cookie", s.cookie}};
    if (csrf) h.emplace("X-CSRF-Token", s.csrf);
    return h;
  }
  httplib::Result Post(const AgentSession& s, const std::string& path, const json& body,
                       bool csrf = true) {
    return Client().Post(path.c_str(), With(s, csrf), body.dump(), "application/json");
  }
  httplib::Result Get(const AgentSession& s, const std::string& path) {
    return Client().Get(path.c_str(), With(s, false));
  }

 private:
  FakeClock clock_;
  std::unique_ptr<SqliteStore> store_;
  NoRetriever retriever_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace plume::channels::testing
