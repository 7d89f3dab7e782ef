// TEST HELPER: a real Plume HTTP server (127.0.0.1, port 0) over a real SQLite store, with agents
// in two services, for the e-mail reply tests. Time is a FakeClock. Built on testing::ApiServer.
#pragma once

#include <filesystem>

#include "testing/api_server.h"

namespace plume::channels::testing {

using json = nlohmann::json;
using AgentSession = plume::testing::AgentSession;

// Agents: claire (agent) and sophie (supervisor) of "mairie-35"; marc (agent) and nadia
// (supervisor) of "caf-75".
class PlumeHttp : public plume::testing::ApiServer {
 public:
  // `options` carries what the test sets (mail_from, public_base_url...); host, port and auth
  // are set here.
  explicit PlumeHttp(const std::filesystem::path& db, http::ServerOptions options = {}) {
    options_ = std::move(options);
    Start(db);
  }
  ~PlumeHttp() { StopServer(); }

  Store& store() { return *store_; }
  FakeClock& clock() { return clock_; }

 private:
  void Start(const std::filesystem::path& db) {
    ASSERT_NO_FATAL_FAILURE(OpenStore(db));
    ASSERT_NO_FATAL_FAILURE(CreateAgents({{"claire", AgentRole::kAgent, "mairie-35"},
                                          {"sophie", AgentRole::kSupervisor, "mairie-35"},
                                          {"marc", AgentRole::kAgent, "caf-75"},
                                          {"nadia", AgentRole::kSupervisor, "caf-75"}}));
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }
};

}  // namespace plume::channels::testing
