// HTTP server: JSON API and the web front end, on cpp-httplib.
//
// The API follows /work/brief/api-contract.md (v1); GET /api/openapi.json describes it.
//   GET  /api/health                       liveness (no authentication)
//   POST /api/auth/login | logout, GET /api/auth/me
//   GET|POST /api/messages, GET /api/messages/{id}, POST /api/messages/{id}/assign
//   GET  /api/engines, POST /api/messages/{id}/drafts (JSON or SSE), POST /api/drafts/{id}/discard
//   POST /api/messages/{id}/reply          agent session + CSRF only; audited
//   GET  /api/audit, POST /api/admin/agents, POST /api/admin/tokens
//   GET  /api/search, GET /api/documents/{audience}/{id}   any agent session
//   GET  /avis/{token}, POST /api/satisfaction/{token}   public rating page (no login)
//   POST /api/drafts/{id}/feedback          agent's thumbs up/down on a draft
//   GET  /api/metrics/outcomes[.csv]        outcome figures (supervisor/admin)
//   GET  /metrics                           Prometheus text format (no authentication)
//   GET  /*                                 built front end (web_dir), SPA fallback to index.html
// Errors are JSON {"error":{"code","message"}} with a French message and a 4xx/5xx status.
// Authentication: cookie plume_session (HttpOnly, SameSite=Strict) + X-CSRF-Token header on
// state-changing requests, or `Authorization: Bearer plm_...` API tokens scoped to one service.
// A message of another service answers 404, exactly like an unknown id.
// Access log: one spdlog JSON line per request (method, path, status, ms, principal).
//
// Ownership: the server borrows `store`, `retriever`, `drafter` (may be null: draft routes then
// answer 503) and `clock`; all must outlive it.
// Thread-safety: Start() once; Stop() from any thread; handlers run on httplib's pool. Listen()
// ignores SIGPIPE process-wide (writes to a closed client socket must not kill the server).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "auth/authenticator.h"
#include "metrics/satisfaction.h"
#include "plume/clock.h"
#include "plume/drafter.h"
#include "plume/intent.h"
#include "plume/retriever.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                        // 0 picks a free port
  std::filesystem::path web_dir;          // built front end; empty serves a minimal built-in page
  size_t max_body_bytes = 1 << 20;        // larger request bodies answer 413
  size_t max_message_bytes = 100 * 1024;  // message bodies and reply texts
  bool secure_cookies = false;            // add "Secure" to the session cookie (behind TLS)
  auth::AuthOptions auth;
  // Classifies each new message (Message::intent; "a-qualifier" below the model's threshold).
  // Borrowed, may be null (messages then stay unclassified); must outlive the server.
  const IntentClassifier* intent_classifier = nullptr;
  // Citizens' satisfaction links: validity, edit window, rate limits (issue #5).
  metrics::SatisfactionOptions satisfaction;
};

class Server {
 public:
  Server(Store& store, const Retriever& retriever, Drafter* drafter, const Clock& clock,
         ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket. Errors: kUnavailable when the address cannot be bound.
  Status Bind();
  // Port actually bound (after Bind()).
  int port() const;
  // Serves until Stop(); blocks the calling thread.
  Status Listen();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plume::http
