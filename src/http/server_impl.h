// Server::Impl: the state shared by the route groups of the HTTP server. Each group
// (Server::Impl::XxxRoutes) is defined in its own routes_*.cc or in server.cc.
//
// Private to src/http. Thread-safety: members are set up before Listen(); handlers run
// concurrently on httplib's pool and only use thread-safe members (Store, metrics, Authenticator).
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "auth/authenticator.h"
#include "auth/tokens.h"
#include "http/api_support.h"
#include "http/server.h"
#include "metrics/prometheus.h"
#include "metrics/satisfaction.h"
#include "util/text.h"

namespace plume::http {

using auth::Principal;

enum class Access {
  kAgent,         // agent session only (tokens get 403)
  kAgentOrToken,  // agent session or API token
};

struct Server::Impl {
  Store& store;
  const Retriever& retriever;
  Drafter* drafter;
  const Clock& clock;
  ServerOptions options;
  auth::Authenticator authenticator;
  httplib::Server server;
  int port = 0;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> listen_entered{false};
  std::atomic<bool> listen_done{false};
  // Outcomes (issue #5): Prometheus metrics and citizens' satisfaction links.
  std::unique_ptr<metrics::Registry> own_registry;  // set when options.registry is null
  metrics::Registry& registry;
  metrics::CounterFamily& http_requests = registry.AddCounter(
      "plume_http_requests_total", "HTTP requests by route and status.", {"route", "status"});
  metrics::HistogramFamily& http_latency = registry.AddHistogram(
      "plume_http_request_duration_seconds", "HTTP request duration by route.", {"route"},
      metrics::DefaultLatencyBuckets());
  metrics::HistogramFamily& draft_latency =
      registry.AddHistogram("plume_draft_latency_seconds", "Draft generation latency by engine.",
                            {"engine"}, {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120});
  metrics::CounterFamily& draft_errors = registry.AddCounter(
      "plume_draft_errors_total", "Failed draft generations by engine and status code.",
      {"engine", "code"});
  metrics::GaugeFamily& messages_gauge = registry.AddGauge(
      "plume_messages", "Messages by status (all services): the agents' queue.", {"status"});
  metrics::SatisfactionService satisfaction;

  Impl(Store& s, const Retriever& r, Drafter* d, const Clock& c, ServerOptions o)
      : store(s),
        retriever(r),
        drafter(d),
        clock(c),
        options(std::move(o)),
        authenticator(s, c, options.auth),
        own_registry(options.registry ? nullptr : std::make_unique<metrics::Registry>()),
        registry(options.registry ? *options.registry : *own_registry),
        satisfaction(s, c, options.satisfaction) {
    registry.AddScrapeHook([this] {
      auto counts = store.CountMessagesByStatus("");
      if (!counts.ok()) return;
      messages_gauge.WithLabels({"new"}).Set(static_cast<double>(counts->new_messages));
      messages_gauge.WithLabels({"in_progress"}).Set(static_cast<double>(counts->in_progress));
      messages_gauge.WithLabels({"answered"}).Set(static_cast<double>(counts->answered));
      messages_gauge.WithLabels({"closed"}).Set(static_cast<double>(counts->closed));
    });
  }

  // Authenticates the request; on failure sends the error and returns nullopt. Cookie sessions
  // must carry the CSRF token on state-changing methods.
  std::optional<Principal> Authenticate(const httplib::Request& req, httplib::Response& res,
                                        Access access) {
    const std::string authz = req.get_header_value("Authorization");
    Result<Principal> p = Unauthenticated("Authentification requise : veuillez vous connecter.");
    bool by_cookie = false;
    if (!authz.empty()) {
      if (authz.rfind("Bearer ", 0) != 0) {
        SendError(res, {401, "unauthenticated", "En-tête Authorization invalide."});
        return std::nullopt;
      }
      p = authenticator.AuthenticateBearer(util::Trim(std::string_view(authz).substr(7)));
    } else {
      std::string secret = CookieValue(req, kSessionCookie);
      if (!secret.empty()) {
        p = authenticator.AuthenticateSession(secret);
        by_cookie = true;
      }
    }
    if (!p.ok()) {
      SendStatus(res, p.status());
      return std::nullopt;
    }
    t_log.principal = p->Name();
    if (access == Access::kAgent && !p->is_agent()) {
      SendError(res, Forbidden("Cette action est réservée à un agent connecté."));
      return std::nullopt;
    }
    if (by_cookie && IsStateChanging(req.method) &&
        !auth::ConstantTimeEquals(req.get_header_value("X-CSRF-Token"), p->csrf_token)) {
      SendError(res, {403, "csrf", "Jeton CSRF absent ou invalide : rechargez la page."});
      return std::nullopt;
    }
    return std::move(p).value();
  }

  // The caller's address for per-address rate limits: the proxy's own address unless
  // options.trust_forwarded_for, then the last X-Forwarded-For entry (the one our proxy added;
  // earlier entries come from the client and are not trusted).
  std::string ClientAddress(const httplib::Request& req) const {
    if (!options.trust_forwarded_for) return req.remote_addr;
    std::string_view xff = req.get_header_value("X-Forwarded-For");
    if (size_t comma = xff.rfind(','); comma != std::string_view::npos) {
      xff.remove_prefix(comma + 1);
    }
    std::string last(util::Trim(xff));
    return last.empty() ? req.remote_addr : last;
  }

  static bool CanSee(const Principal& p, const std::string& service) {
    return p.is_admin() || p.service == service;
  }

  // The message if it exists and the caller may see it; otherwise sends 404 (also for another
  // service's message, so ids cannot be probed).
  std::optional<Message> VisibleMessage(const Principal& p, int64_t id, httplib::Response& res) {
    auto m = store.GetMessage(id);
    if (!m.ok()) {
      if (m.status().code() == StatusCode::kNotFound) {
        SendError(res, MessageNotFound());
      } else {
        SendStoreError(res, m.status());
      }
      return std::nullopt;
    }
    if (!CanSee(p, m->service)) {
      SendError(res, MessageNotFound());
      return std::nullopt;
    }
    return std::move(m).value();
  }

  std::optional<Draft> VisibleDraft(const Principal& p, int64_t id, httplib::Response& res,
                                    Message* message) {
    auto d = store.GetDraft(id);
    if (!d.ok()) {
      if (d.status().code() == StatusCode::kNotFound) {
        SendError(res, DraftNotFound());
      } else {
        SendStoreError(res, d.status());
      }
      return std::nullopt;
    }
    auto m = store.GetMessage(d->message_id);
    if (!m.ok() || !CanSee(p, m->service)) {
      SendError(res, DraftNotFound());
      return std::nullopt;
    }
    *message = std::move(m).value();
    return std::move(d).value();
  }

  std::string SessionCookie(const std::string& secret, int64_t max_age_s) const {
    std::string c = std::string(kSessionCookie) + "=" + secret +
                    "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age_s);
    if (options.secure_cookies) c += "; Secure";
    return c;
  }

  void Routes();
  void AuthRoutes();
  void MessageRoutes();
  void DraftRoutes();
  void AdminRoutes();
  void KnowledgeRoutes();
  void OutcomeRoutes();
  void RoutingRoutes();  // routes_routing.cc (issue #6)
  void StaticRoutes();
  // routes_mail.cc (issue #7): outbox, retry, attachments; JSON of the e-mail side of a message.
  void MailRoutes();
  json OutboxEntryJson(const MailOutboxEntry& e);
  // {state, state_label, attempts, last_error...} of the reply e-mail, null when the message is
  // not answered by e-mail.
  Result<json> EmailDeliveryJson(const Message& m);
  // {email, attachments, email_delivery} for GET /api/messages/{id}.
  Result<json> EmailDetailsJson(const Message& m);
  // Builds and enqueues the reply e-mail after an agent's reply; never fails the reply (errors
  // are logged, audited and returned as the delivery state). Null when not an e-mail reply.
  json EnqueueReplyEmail(const Principal& p, const Message& m, const Decision& d,
                         const std::string& satisfaction_path);
  void FeedbackRoutes();  // routes_feedback.cc
  void TemplateRoutes();  // routes_templates.cc (issue #3)

  void HandleListMessages(const httplib::Request& req, httplib::Response& res);
  void HandleCreateMessage(const httplib::Request& req, httplib::Response& res);
  // Shared by every route that receives a citizen's message: classifies `m` (Message::intent,
  // when a classifier is configured), stores it and sets m->id. Errors: the store's.
  Status StoreIncomingMessage(Message* m);
  void HandleCreateDraft(const httplib::Request& req, httplib::Response& res);
  void HandleReply(const httplib::Request& req, httplib::Response& res);
  // Generates a draft for `message` and stores it with its audit line.
  Result<Draft> GenerateAndStore(const Principal& p, const Message& message, DraftRequest request);
};

}  // namespace plume::http
