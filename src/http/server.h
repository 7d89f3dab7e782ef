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
//   POST|OPTIONS /api/v1/feedback           public feedback widget (no login, CORS, rate-limited)
//   GET  /api/metrics/outcomes[.csv]        outcome figures (supervisor/admin)
//   GET  /api/outbox, POST /api/outbox/{id}/retry   reply e-mails (supervisor list; agent retry)
//   GET  /api/messages/{id}/attachments/{aid}   an e-mail attachment, as a download
//   POST /api/decisions/{id}/template-candidate   a sent reply proposed as réponse type (agent)
//   GET  /api/templates, POST /api/templates/{id}/approve|reject   réponses types (review:
//                                           supervisor/admin of the service)
//   GET  /api/intents, GET|PUT /api/admin/routing   intent labels; routing rules (admin edits,
//                                           supervisor reads its service's rules)
//   POST /api/messages/{id}/intent          agent's correction of the predicted intent (re-routes)
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
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "metrics/prometheus.h"
#include "metrics/satisfaction.h"
#include "plume/clock.h"
#include "plume/drafter.h"
#include "plume/intent.h"
#include "plume/retriever.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::draft {
class TemplateCandidateMaker;
}
namespace plume::intent {
class Taxonomy;
}
namespace plume::privacy {
class Pseudonymizer;
}

namespace plume::http {

// Public feedback widget (issue #7): POST /api/v1/feedback and /widget/avis.js (web_dir).
struct FeedbackOptions {
  // Services that accept feedback; any other service answers 404. Empty: the route refuses all.
  std::vector<std::string> services;
  // Origins ("https://www.mairie-x.fr", no path) allowed to post from a browser (CORS). The
  // server's own origin is always allowed; requests without an Origin header (not a browser) too.
  std::vector<std::string> origins;
  // Token buckets on the injected clock: `burst` requests at once, then `per_minute`.
  double ip_burst = 5;
  double ip_per_minute = 2;
  double service_burst = 60;
  double service_per_minute = 30;
  size_t max_text_bytes = 8000;      // larger texts answer 413 (the widget allows 4000 chars)
  size_t max_tracked_keys = 100000;  // memory bound of each limiter
};

// Reads a feedback configuration file into `options` (its lists are appended to, its limits
// replaced). Format (every key optional):
//   services = ["mairie-x"]
//   origins = ["https://www.mairie-x.fr"]
//   [rate_limit]
//   per_address_burst = 5      per_address_per_minute = 2
//   per_service_burst = 60     per_service_per_minute = 30
// Errors (French): those of reading the file; kInvalidArgument for a syntax error, a wrong type,
// an origin that is not "http(s)://host[:port]" or a limit that is not positive.
Status LoadFeedbackConfig(const std::filesystem::path& file, FeedbackOptions* options);
// Whether `origin` has the form of a web origin: "http(s)://host[:port]", no path, query or space.
bool IsWebOrigin(std::string_view origin);

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                        // 0 picks a free port
  std::filesystem::path web_dir;          // built front end; empty serves a minimal built-in page
  size_t max_body_bytes = 1 << 20;        // larger request bodies answer 413
  size_t max_message_bytes = 100 * 1024;  // message bodies and reply texts
  // cpp-httplib serves a keep-alive connection on one worker thread until it closes or idles out
  // (5 s), so the workers bound the connections served at once (a browser opens up to 6). Each
  // connection may carry up to keep_alive_requests requests before the server closes it.
  size_t worker_threads = 64;
  size_t keep_alive_requests = 1000;
  bool secure_cookies = false;  // add "Secure" to the session cookie (behind TLS)
  auth::AuthOptions auth;
  // Classifies each new message (Message::intent; "a-qualifier" below the model's threshold).
  // Borrowed, may be null (messages then stay unclassified); must outlive the server.
  const IntentClassifier* intent_classifier = nullptr;
  // Intent routing (issue #6): sets Message::intent and Message::queue of each new message with
  // the stored rules (replaces intent_classifier when set). Borrowed, may be null.
  const MessageRouter* router = nullptr;
  // Intent labels for GET/PUT /api/admin/routing and agents' corrections, and the pseudonymiser
  // of corrected texts. Borrowed; when null those routes answer 503.
  const intent::Taxonomy* taxonomy = nullptr;
  const privacy::Pseudonymizer* pseudonymizer = nullptr;
  // Citizens' satisfaction links: validity, edit window, rate limits (issue #5).
  metrics::SatisfactionOptions satisfaction;
  // Knowledge version of this node's local search index, reported by GET /api/health as
  // index_version next to the store's knowledge_version (several nodes, issue #8). Called from
  // handler threads: must be thread-safe. Empty: not reported.
  std::function<int64_t()> index_version;
  // Behind a reverse proxy that appends the client's address to X-Forwarded-For (nginx
  // $proxy_add_x_forwarded_for): per-address rate limits then use that address instead of the
  // proxy's. Enable only when clients cannot reach the server except through the proxy.
  bool trust_forwarded_for = false;
  // Registry that GET /metrics exposes, shared with components created before the server (the
  // metered LLM client). Borrowed, must outlive the server; null: the server keeps its own.
  metrics::Registry* registry = nullptr;
  // E-mail replies (issue #7): with mail_from set, a reply to a message that came by e-mail or
  // has a sender address is built (plain + HTML, In-Reply-To/References, satisfaction link) and
  // put in the store's outbox; `plume serve --smtp-url` sends it.
  std::string public_base_url;  // "https://plume.example.fr": absolute satisfaction links
  std::string mail_from;        // agency address (From, SMTP envelope sender); empty: no e-mail
  std::string mail_from_name;   // "Préfecture du Rhône"; may be empty
  // Called after an e-mail is enqueued or retried (wakes the sender); may be empty. Thread-safe.
  std::function<void()> on_mail_enqueued;
  FeedbackOptions feedback;
  // Turns a sent reply into a réponse type candidate (issue #3). Borrowed, must outlive the
  // server; null: POST /api/decisions/{id}/template-candidate answers 503.
  const draft::TemplateCandidateMaker* template_candidates = nullptr;
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
