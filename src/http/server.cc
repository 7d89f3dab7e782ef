#include "http/server.h"

#include <fmt/core.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "auth/tokens.h"
#include "http/json_stream.h"
#include "http/openapi.h"
#include "http/server_impl.h"
#include "http/text_metrics.h"
#include "metrics/outcome_loader.h"
#include "metrics/outcomes.h"
#include "metrics/prometheus.h"
#include "metrics/satisfaction.h"
#include "util/text.h"

namespace plume::http {
namespace {

constexpr const char* kFallbackPage = R"html(<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Plume</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h1>Plume</h1>
<p>Le serveur fonctionne. L'interface web n'est pas construite : lancez le script d'installation.</p>
</main></body></html>
)html";

// Route label of a request for the Prometheus metrics: the route pattern, so that ids and tokens
// do not multiply the series. Unknown API paths are grouped; everything else is the front end.
std::string RouteLabel(const std::string& method, std::string_view path) {
  static constexpr std::string_view kPatterns[] = {"/api/health",
                                                   "/api/openapi.json",
                                                   "/api/auth/login",
                                                   "/api/auth/logout",
                                                   "/api/auth/me",
                                                   "/api/messages",
                                                   "/api/messages/{id}",
                                                   "/api/messages/{id}/assign",
                                                   "/api/messages/{id}/drafts",
                                                   "/api/messages/{id}/reply",
                                                   "/api/engines",
                                                   "/api/drafts/{id}/discard",
                                                   "/api/drafts/{id}/feedback",
                                                   "/api/audit",
                                                   "/api/admin/agents",
                                                   "/api/admin/tokens",
                                                   "/api/admin/routing",
                                                   "/api/intents",
                                                   "/api/messages/{id}/intent",
                                                   "/api/search",
                                                   "/api/documents/{audience}/{id}",
                                                   "/api/metrics/outcomes",
                                                   "/api/metrics/outcomes.csv",
                                                   "/api/satisfaction/{token}",
                                                   "/avis/{token}",
                                                   "/api/v1/feedback",
                                                   "/api/outbox",
                                                   "/api/outbox/{id}/retry",
                                                   "/api/messages/{id}/attachments/{aid}",
                                                   "/api/decisions/{id}/template-candidate",
                                                   "/api/templates",
                                                   "/api/templates/{id}/approve",
                                                   "/api/templates/{id}/reject",
                                                   "/metrics"};
  auto segments = [](std::string_view p) {
    std::vector<std::string_view> out;
    while (!p.empty()) {
      if (p.front() == '/') p.remove_prefix(1);
      const size_t slash = p.find('/');
      out.push_back(p.substr(0, slash));
      p = slash == std::string_view::npos ? std::string_view() : p.substr(slash);
    }
    return out;
  };
  const auto actual = segments(path);
  for (std::string_view pattern : kPatterns) {
    const auto expected = segments(pattern);
    if (expected.size() != actual.size()) continue;
    bool match = true;
    for (size_t i = 0; i < expected.size() && match; ++i) {
      match = expected[i].front() == '{' ? !actual[i].empty() : expected[i] == actual[i];
    }
    if (match) return method + " " + std::string(pattern);
  }
  return method + (path.rfind("/api/", 0) == 0 ? " /api/other" : " /static");
}

// The request path as written to the access log: satisfaction tokens are secrets.
std::string LoggedPath(const std::string& path) {
  for (std::string_view prefix : {"/avis/", "/api/satisfaction/"}) {
    if (path.rfind(prefix, 0) == 0) return std::string(prefix) + "…";
  }
  return path;
}

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte).
std::string FormDecode(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '+') {
      out += ' ';
    } else if (v[i] == '%' && i + 2 < v.size() &&
               std::isxdigit(static_cast<unsigned char>(v[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(v[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(v.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += v[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos) {
      out[FormDecode(pair.substr(0, eq))] = FormDecode(pair.substr(eq + 1));
    }
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
  }
  return out;
}

// The public rating page (French, no script, no external resource).
std::string SatisfactionPage(std::string_view title, std::string_view body_html) {
  return std::string(R"html(<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>)html") +
         std::string(title) + R"html( — Plume</title>
<style>
body{font-family:Marianne,Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#161616}
h1{font-size:1.5rem;color:#000091}fieldset{border:1px solid #ddd;margin:1rem 0;padding:1rem}
legend{font-weight:bold}label{margin-right:1rem}textarea{width:100%;min-height:6rem}
button{background:#000091;color:#fff;border:0;padding:.75rem 1.5rem;font-size:1rem;cursor:pointer}
.note{color:#666;font-size:.875rem}
</style></head><body><main>
)html" + std::string(body_html) +
         "\n</main></body></html>\n";
}

std::string SatisfactionForm(const std::string& token, const metrics::SatisfactionView& view,
                             std::string_view notice) {
  const int score = view.rating ? view.rating->score : 0;
  std::string html = "<h1>Votre avis sur la réponse reçue</h1>\n";
  if (!notice.empty())
    html += "<p role=\"status\"><strong>" + std::string(notice) + "</strong></p>\n";
  html += "<form method=\"post\" action=\"/api/satisfaction/" + util::HtmlEscape(token) + "\">\n";
  html +=
      "<fieldset><legend>Êtes-vous satisfait(e) de la réponse ? (1 : pas du tout, 5 : très "
      "satisfait)</legend>\n";
  for (int i = 1; i <= 5; ++i) {
    html += fmt::format(
        "<label><input type=\"radio\" name=\"score\" value=\"{0}\" required{1}> {0}</label>\n", i,
        i == score ? " checked" : "");
  }
  html += "</fieldset>\n<fieldset><legend>Cette réponse vous a-t-elle été utile ?</legend>\n";
  const bool yes = view.rating && view.rating->useful == std::optional<bool>(true);
  const bool no = view.rating && view.rating->useful == std::optional<bool>(false);
  html += fmt::format(
      "<label><input type=\"radio\" name=\"useful\" value=\"oui\"{}> Oui</label>\n"
      "<label><input type=\"radio\" name=\"useful\" value=\"non\"{}> Non</label>\n",
      yes ? " checked" : "", no ? " checked" : "");
  html +=
      "</fieldset>\n<p><label for=\"comment\">Commentaire (facultatif, 2 000 caractères au "
      "plus)</label><br>\n<textarea id=\"comment\" name=\"comment\" maxlength=\"2000\">";
  if (view.rating) html += util::HtmlEscape(view.rating->comment);
  html +=
      "</textarea></p>\n<p class=\"note\">Ne donnez pas d'informations personnelles. Vous "
      "pourrez modifier votre avis jusqu'au " +
      FormatIsoUtc(view.editable_until_ms).substr(0, 10) +
      ".</p>\n<button type=\"submit\">Envoyer mon avis</button>\n</form>";
  return html;
}

void SetPublicPageHeaders(httplib::Response& res) {
  // The token is in the URL: never send it to another site, never cache or index the page.
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Robots-Tag", "noindex");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                 "frame-ancestors 'none'");
}

}  // namespace

void Server::Impl::Routes() {
  server.set_payload_max_length(options.max_body_bytes);
  // Headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm and the
  // client's delayed ACK add ~40 ms to every keep-alive response (measured with wrk: 37 req/s on
  // one connection for /api/health, whose handler takes 0.4 ms).
  server.set_tcp_nodelay(true);
  server.new_task_queue = [threads = options.worker_threads] {
    return new httplib::ThreadPool(threads);
  };
  server.set_keep_alive_max_count(options.keep_alive_requests);
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unexpected error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("handler exception: {}", what);
        SendError(res, {500, "internal", "Erreur interne du serveur."});
      });
  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_log.start = std::chrono::steady_clock::now();
    t_log.principal.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    double ms = 0;
    if (t_log.start != std::chrono::steady_clock::time_point{}) {
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_log.start)
               .count();
    }
    const std::string route = RouteLabel(req.method, req.path);
    http_requests.WithLabels({route, std::to_string(res.status)}).Increment();
    http_latency.WithLabels({route}).Observe(ms / 1000.0);
    // req.path never includes the query string, so no token or search text reaches the log.
    spdlog::info(
        "{{\"method\":\"{}\",\"path\":{},\"status\":{},\"ms\":{:.2f},\"agent\":{},"
        "\"remote\":\"{}\"}}",
        req.method, Dump(json(LoggedPath(req.path))), res.status, ms, Dump(json(t_log.principal)),
        req.remote_addr);
    t_log = RequestLog{};
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    int code = res.status;
    ApiError e = code == 404   ? ApiError{404, "not_found", "Adresse inconnue."}
                 : code == 413 ? ApiError{413, "payload_too_large",
                                          "La requête dépasse la taille maximale autorisée."}
                               : ApiError{code, "invalid_argument", "Requête invalide."};
    SendError(res, e);
    res.status = code;
  });

  server.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) {
    auto version = store.KnowledgeVersion();
    auto docs = store.CountDocuments(false);
    if (!version.ok()) return SendStoreError(res, version.status());
    if (!docs.ok()) return SendStoreError(res, docs.status());
    json body = {{"status", "ok"}, {"knowledge_version", *version}, {"documents", *docs}};
    if (options.index_version) body["index_version"] = options.index_version();
    SendJson(res, 200, body);
  });
  server.Get("/api/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(OpenApiDocument(), "application/json; charset=utf-8");
  });

  AuthRoutes();
  MessageRoutes();
  DraftRoutes();
  AdminRoutes();
  KnowledgeRoutes();
  OutcomeRoutes();
  MailRoutes();
  FeedbackRoutes();
  TemplateRoutes();
  RoutingRoutes();
  StaticRoutes();
}

void Server::Impl::AuthRoutes() {
  server.Post("/api/auth/login", [this](const httplib::Request& req, httplib::Response& res) {
    auto body = ParseObject(req, res, false);
    if (!body) return;
    std::string login, password;
    if (!GetString(*body, "login", &login, res) || !GetString(*body, "password", &password, res)) {
      return;
    }
    if (login.empty() || password.empty()) {
      return SendError(res, BadArgument("Identifiant et mot de passe obligatoires."));
    }
    auto r = authenticator.Login(login, password);
    if (!r.ok()) return SendStatus(res, r.status());
    t_log.principal = r->agent.login;
    res.set_header("Set-Cookie",
                   SessionCookie(r->session_secret, options.auth.session_ttl_ms / 1000));
    res.set_header("Cache-Control", "no-store");
    SendJson(res, 200, {{"agent", AgentJson(r->agent)}, {"csrf_token", r->csrf_token}});
  });

  server.Post("/api/auth/logout", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (Status s = authenticator.Logout(CookieValue(req, kSessionCookie)); !s.ok()) {
      return SendStoreError(res, s);
    }
    res.set_header("Set-Cookie", SessionCookie("", 0));
    res.status = 204;
  });

  server.Get("/api/auth/me", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    res.set_header("Cache-Control", "no-store");
    SendJson(res, 200, {{"agent", AgentJson(p->agent)}, {"csrf_token", p->csrf_token}});
  });
}

void Server::Impl::HandleListMessages(const httplib::Request& req, httplib::Response& res) {
  auto p = Authenticate(req, res, Access::kAgentOrToken);
  if (!p) return;
  MessageFilter f;
  f.limit = 50;
  std::string service = p->service;
  if (req.has_param("service")) {
    std::string wanted = req.get_param_value("service");
    if (!p->is_admin() && wanted != p->service) {
      return SendError(res,
                       Forbidden("Vous ne pouvez consulter que les messages de votre service."));
    }
    service = wanted;
  } else if (p->is_admin()) {
    service.clear();  // all services
  }
  if (!service.empty()) f.service = service;
  if (req.has_param("status")) {
    MessageStatus st;
    if (!ParseMessageStatus(req.get_param_value("status"), &st)) {
      return SendError(res, BadArgument("Statut inconnu (new, in_progress, answered, closed)."));
    }
    f.status = st;
  }
  if (req.has_param("channel")) {
    Channel ch;
    if (!ParseChannel(req.get_param_value("channel"), &ch)) {
      return SendError(res, BadArgument("Canal inconnu (api, web_form, feedback, email, import)."));
    }
    f.channel = ch;
  }
  if (req.has_param("queue")) {  // routing queue (issue #6)
    f.queue = req.get_param_value("queue");
    if (!RequireShort(*f.queue, "queue", res)) return;
  }
  for (const char* key : {"from", "to"}) {
    if (!req.has_param(key)) continue;
    auto t = ParseIsoUtc(req.get_param_value(key));
    if (!t) {
      return SendError(res, BadArgument(std::string("Le paramètre « ") + key +
                                        " » doit être une date ISO 8601 UTC "
                                        "(ex. 2026-11-23T10:15:00Z)."));
    }
    (std::string_view(key) == "from" ? f.received_from_ms : f.received_to_ms) = *t;
  }
  ListView view = ListView::kFull;
  if (req.has_param("view")) {
    const std::string v = req.get_param_value("view");
    if (v == "summary") {
      view = ListView::kSummary;
    } else if (v != "full") {
      return SendError(res, BadArgument("Vue inconnue (full, summary)."));
    }
  }
  auto page = ParsePageRequest(req, res);
  if (!page) return;
  f.after_id = page->after_id;
  const int wanted = page->limit;
  f.limit = wanted + 1;  // one more row tells whether a next page exists
  auto messages = store.ListMessages(f);
  if (!messages.ok()) return SendStoreError(res, messages.status());
  auto counts = store.CountMessagesByStatus(service);
  if (!counts.ok()) return SendStoreError(res, counts.status());
  const auto next = TakePageId(&*messages, wanted);
  res.status = 200;
  res.set_content(MessageListBody(*messages, next, *counts, view),
                  "application/json; charset=utf-8");
}

void Server::Impl::HandleCreateMessage(const httplib::Request& req, httplib::Response& res) {
  auto p = Authenticate(req, res, Access::kAgentOrToken);
  if (!p) return;
  auto body = ParseObject(req, res, false);
  if (!body) return;
  Message m;
  std::string channel, received_at, service;
  if (!GetString(*body, "channel", &channel, res) ||
      !GetString(*body, "sender_name", &m.sender_name, res) ||
      !GetString(*body, "sender_email", &m.sender_email, res) ||
      !GetString(*body, "subject", &m.subject, res) || !GetString(*body, "body", &m.body, res) ||
      !GetString(*body, "received_at", &received_at, res) ||
      !GetString(*body, "service", &service, res)) {
    return;
  }
  if (!RequireShort(m.sender_name, "sender_name", res) ||
      !RequireShort(m.sender_email, "sender_email", res) ||
      !RequireShort(m.subject, "subject", res) || !RequireShort(service, "service", res)) {
    return;
  }
  if (util::Trim(m.body).empty()) {
    return SendError(res, BadArgument("Le champ « body » est obligatoire et non vide."));
  }
  if (m.body.size() > options.max_message_bytes) return SendError(res, TooLarge());
  if (!channel.empty() && !ParseChannel(channel, &m.channel)) {
    return SendError(res, BadArgument("Canal inconnu (api, web_form, feedback, email, import)."));
  }
  m.received_at_ms = clock.NowMillis();
  if (!received_at.empty()) {
    auto t = ParseIsoUtc(received_at);
    if (!t) return SendError(res, BadArgument("received_at doit être une date ISO 8601 UTC."));
    m.received_at_ms = *t;
  }
  m.service = service.empty() ? p->service : service;
  if (!CanSee(*p, m.service)) {
    return SendError(res, Forbidden("Impossible de créer un message dans un autre service."));
  }
  if (Status s = StoreIncomingMessage(&m); !s.ok()) return SendStoreError(res, s);
  SendJson(res, 201, {{"message", MessageJson(m)}});
}

Status Server::Impl::StoreIncomingMessage(Message* m) {
  if (options.router != nullptr) {
    PLUME_RETURN_IF_ERROR(options.router->Route(m));
  } else if (options.intent_classifier) {
    std::string text = m->subject.empty() ? m->body : m->subject + "\n" + m->body;
    auto predicted =
        options.intent_classifier->Predict(util::TruncateUtf8(text, kMaxIntentTextBytes), 1);
    // A text the model cannot read (no word it knows) goes to a human, like a low confidence.
    m->intent = predicted.ok() ? predicted->label : std::string(kToQualifyIntent);
  }
  PLUME_ASSIGN_OR_RETURN(m->id, store.CreateMessage(*m));
  return Status::Ok();
}

void Server::Impl::MessageRoutes() {
  server.Get("/api/messages", [this](const httplib::Request& req, httplib::Response& res) {
    HandleListMessages(req, res);
  });
  server.Post("/api/messages", [this](const httplib::Request& req, httplib::Response& res) {
    HandleCreateMessage(req, res);
  });

  server.Get(
      R"(/api/messages/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
        auto p = Authenticate(req, res, Access::kAgentOrToken);
        if (!p) return;
        auto id = ParseId(req.matches[1].str());
        if (!id) return SendError(res, MessageNotFound());
        auto m = VisibleMessage(*p, *id, res);
        if (!m) return;
        auto drafts = store.ListDrafts(*id);
        if (!drafts.ok()) return SendStoreError(res, drafts.status());
        auto decisions = store.ListDecisions(*id);
        if (!decisions.ok()) return SendStoreError(res, decisions.status());
        json dj = json::array(), cj = json::array();
        for (const auto& d : *drafts) dj.push_back(DraftJson(d));
        for (const auto& d : *decisions) cj.push_back(DecisionJson(d));
        json body = {
            {"message", MessageJson(*m)}, {"drafts", std::move(dj)}, {"decisions", std::move(cj)}};
        auto mail = EmailDetailsJson(*m);  // issue #7: attachments, delivery state
        if (!mail.ok()) return SendStoreError(res, mail.status());
        body.update(*mail);
        SendJson(res, 200, body);
      });

  server.Post(R"(/api/messages/([^/]+)/assign)", [this](const httplib::Request& req,
                                                        httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    auto id = ParseId(req.matches[1].str());
    if (!id) return SendError(res, MessageNotFound());
    auto body = ParseObject(req, res, true);
    if (!body) return;
    std::string login;
    if (!GetString(*body, "agent_login", &login, res)) return;
    if (login.empty()) login = p->agent.login;
    auto m = VisibleMessage(*p, *id, res);
    if (!m) return;
    auto updated = store.AssignMessageToLogin(*id, login);
    if (!updated.ok()) {
      if (updated.status().code() == StatusCode::kNotFound) {
        return SendError(res, {404, "not_found", "Agent inconnu dans le service de ce message."});
      }
      return SendStoreError(res, updated.status());
    }
    AuditEntry audit;
    audit.at_ms = clock.NowMillis();
    audit.service = m->service;
    audit.agent = p->agent.login;
    audit.action = "message_assigned";
    audit.message_id = *id;
    audit.detail = login;
    if (auto a = store.AppendAudit(audit); !a.ok()) return SendStoreError(res, a.status());
    SendJson(res, 200, {{"message", MessageJson(*updated)}});
  });
}

Result<Draft> Server::Impl::GenerateAndStore(const Principal& p, const Message& message,
                                             DraftRequest request) {
  request.message = message;
  const std::string engine_label = request.engine.empty() ? "default" : request.engine;
  Result<Draft> generated = drafter->Generate(request);
  if (!generated.ok()) {
    draft_errors.WithLabels({engine_label, std::string(StatusCodeName(generated.status().code()))})
        .Increment();
    return generated.status();
  }
  Draft draft = std::move(generated).value();
  draft_latency.WithLabels({draft.engine}).Observe(static_cast<double>(draft.latency_ms) / 1000.0);
  draft.id = 0;
  draft.message_id = message.id;
  draft.created_at_ms = clock.NowMillis();
  PLUME_ASSIGN_OR_RETURN(draft.id, store.CreateDraft(draft));
  AuditEntry audit;
  audit.at_ms = draft.created_at_ms;
  audit.service = message.service;
  audit.agent = p.agent.login;
  audit.action = "draft_created";
  audit.message_id = message.id;
  audit.draft_id = draft.id;
  audit.engine = draft.engine;
  audit.prompt_version = draft.prompt_version;
  audit.sources = SourceIds(draft);
  PLUME_ASSIGN_OR_RETURN(int64_t audit_id, store.AppendAudit(audit));
  (void)audit_id;
  return draft;
}

void Server::Impl::HandleCreateDraft(const httplib::Request& req, httplib::Response& res) {
  auto p = Authenticate(req, res, Access::kAgent);
  if (!p) return;
  auto id = ParseId(req.matches[1].str());
  if (!id) return SendError(res, MessageNotFound());
  auto body = ParseObject(req, res, true);
  if (!body) return;
  std::string engine;
  if (!GetString(*body, "engine", &engine, res)) return;
  auto m = VisibleMessage(*p, *id, res);
  if (!m) return;
  if (drafter == nullptr) {
    return SendError(res, {503, "unavailable",
                           "La proposition de réponse n'est pas disponible sur ce serveur."});
  }
  if (!engine.empty()) {
    auto engines = drafter->Engines();
    if (std::find(engines.begin(), engines.end(), engine) == engines.end()) {
      return SendError(res, BadArgument("Moteur de rédaction inconnu : " + engine + "."));
    }
  }
  const bool stream = req.get_header_value("Accept").find("text/event-stream") != std::string::npos;
  if (!stream) {
    DraftRequest dr;
    dr.engine = engine;
    auto draft = GenerateAndStore(*p, *m, std::move(dr));
    if (!draft.ok()) return SendStatus(res, draft.status());
    return SendJson(res, 201, {{"draft", DraftJson(*draft)}});
  }
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Accel-Buffering", "no");
  Principal principal = *p;
  Message message = *m;
  res.set_chunked_content_provider("text/event-stream", [this, principal, message, engine](
                                                            size_t, httplib::DataSink& sink) {
    CancellationToken cancel;
    DraftRequest dr;
    dr.engine = engine;
    dr.cancel = &cancel;
    dr.on_text = [&sink, &cancel](std::string_view delta) {
      std::string ev = SseEvent("delta", {{"text", std::string(delta)}});
      if (!sink.is_writable() || !sink.write(ev.data(), ev.size())) {
        cancel.Cancel();  // the client is gone: stop generating
        return false;
      }
      return true;
    };
    auto draft = GenerateAndStore(principal, message, std::move(dr));
    if (cancel.cancelled()) {
      spdlog::info("draft generation for message {} cancelled: client disconnected", message.id);
      return false;
    }
    std::string ev = draft.ok() ? SseEvent("draft", DraftJson(*draft))
                                : SseEvent("error", ErrorBody(FromStatus(draft.status())));
    if (sink.write(ev.data(), ev.size())) sink.done();
    return true;
  });
}

void Server::Impl::HandleReply(const httplib::Request& req, httplib::Response& res) {
  auto p = Authenticate(req, res, Access::kAgent);
  if (!p) return;
  auto id = ParseId(req.matches[1].str());
  if (!id) return SendError(res, MessageNotFound());
  auto body = ParseObject(req, res, false);
  if (!body) return;
  std::string text;
  std::optional<int64_t> draft_id;
  if (!GetString(*body, "text", &text, res) || !GetInt(*body, "draft_id", &draft_id, res)) return;
  if (util::Trim(text).empty()) {
    return SendError(res, BadArgument("Le texte de la réponse est obligatoire."));
  }
  if (text.size() > options.max_message_bytes) return SendError(res, TooLarge());
  auto m = VisibleMessage(*p, *id, res);
  if (!m) return;
  if (m->status == MessageStatus::kAnswered || m->status == MessageStatus::kClosed) {
    return SendError(res, {409, "conflict", "Ce message a déjà reçu une réponse ou est clos."});
  }
  Decision d;
  d.message_id = *id;
  d.agent = p->agent.login;
  d.final_text = text;
  d.decided_at_ms = clock.NowMillis();
  AuditEntry audit;
  audit.at_ms = d.decided_at_ms;
  audit.service = m->service;
  audit.agent = p->agent.login;
  audit.action = "reply_sent";
  audit.final_text = text;
  if (draft_id) {
    auto draft = store.GetDraft(*draft_id);
    if (!draft.ok() && draft.status().code() != StatusCode::kNotFound) {
      return SendStoreError(res, draft.status());
    }
    if (!draft.ok() || draft->message_id != *id) {
      return SendError(res, {404, "not_found", "Brouillon introuvable pour ce message."});
    }
    d.draft_id = draft_id;
    d.kind = text == draft->text ? DecisionKind::kAccepted : DecisionKind::kEdited;
    d.edit_distance = d.kind == DecisionKind::kAccepted ? 0 : util::EditDistance(draft->text, text);
    audit.engine = draft->engine;
    audit.prompt_version = draft->prompt_version;
    audit.sources = SourceIds(*draft);
  } else {
    d.kind = DecisionKind::kWrittenWithoutAi;
  }
  auto decision_id = store.RecordDecisionWithAudit(d, audit);
  if (!decision_id.ok() && decision_id.status().code() == StatusCode::kFailedPrecondition) {
    // Another agent's reply committed first (the store checks inside its transaction).
    return SendError(res, {409, "conflict", "Ce message a déjà reçu une réponse ou est clos."});
  }
  if (!decision_id.ok()) return SendStoreError(res, decision_id.status());
  d.id = *decision_id;
  auto updated = store.GetMessage(*id);
  if (!updated.ok()) return SendStoreError(res, updated.status());
  // The citizen's rating link (issue #5), to append to the reply that goes out. The reply is
  // already recorded: a failure here is logged, not reported to the agent.
  json satisfaction_path = nullptr;
  if (auto token = satisfaction.CreateLink(d); token.ok()) {
    satisfaction_path = "/avis/" + *token;
  } else {
    spdlog::error("satisfaction link for decision {}: {}", d.id, token.status().ToString());
  }
  // Issue #7: the reply e-mail goes to the outbox; a failure never undoes the recorded reply.
  json email_delivery = EnqueueReplyEmail(
      *p, *updated, d, satisfaction_path.is_string() ? satisfaction_path.get<std::string>() : "");
  SendJson(res, 201,
           {{"decision", DecisionJson(d)},
            {"message", MessageJson(*updated)},
            {"satisfaction_path", satisfaction_path},
            {"email_delivery", email_delivery}});
}

void Server::Impl::DraftRoutes() {
  server.Get("/api/engines", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    std::vector<std::string> engines;
    if (drafter != nullptr) engines = drafter->Engines();
    SendJson(res, 200,
             {{"engines", engines},
              {"default", engines.empty() ? json(nullptr) : json(engines.front())}});
  });
  server.Post(
      R"(/api/messages/([^/]+)/drafts)",
      [this](const httplib::Request& req, httplib::Response& res) { HandleCreateDraft(req, res); });
  server.Post(
      R"(/api/messages/([^/]+)/reply)",
      [this](const httplib::Request& req, httplib::Response& res) { HandleReply(req, res); });
  server.Post(R"(/api/drafts/([^/]+)/discard)",
              [this](const httplib::Request& req, httplib::Response& res) {
                auto p = Authenticate(req, res, Access::kAgent);
                if (!p) return;
                auto id = ParseId(req.matches[1].str());
                if (!id) return SendError(res, DraftNotFound());
                auto body = ParseObject(req, res, true);
                if (!body) return;
                Message m;
                auto draft = VisibleDraft(*p, *id, res, &m);
                if (!draft) return;
                Decision d;
                d.message_id = m.id;
                d.draft_id = draft->id;
                d.agent = p->agent.login;
                d.kind = DecisionKind::kDiscarded;
                d.decided_at_ms = clock.NowMillis();
                AuditEntry audit;
                audit.at_ms = d.decided_at_ms;
                audit.service = m.service;
                audit.agent = p->agent.login;
                audit.action = "draft_discarded";
                audit.engine = draft->engine;
                audit.prompt_version = draft->prompt_version;
                audit.sources = SourceIds(*draft);
                auto decision_id = store.RecordDecisionWithAudit(d, audit);
                if (!decision_id.ok()) return SendStoreError(res, decision_id.status());
                d.id = *decision_id;
                SendJson(res, 201, {{"decision", DecisionJson(d)}});
              });
}

void Server::Impl::AdminRoutes() {
  server.Get("/api/audit", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (p->agent.role == AgentRole::kAgent) {
      return SendError(res, Forbidden("Le journal d'audit est réservé aux superviseurs."));
    }
    AuditFilter f;
    if (!p->is_admin()) {
      f.service = p->service;
    } else if (req.has_param("service")) {
      f.service = req.get_param_value("service");
    }
    if (req.has_param("message_id")) {
      auto id = ParseId(req.get_param_value("message_id"));
      if (!id) return SendError(res, BadArgument("message_id doit être un entier positif."));
      f.message_id = *id;
    }
    auto page = ParsePageRequest(req, res);
    if (!page) return;
    f.after_id = page->after_id;
    const int wanted = page->limit;
    f.limit = wanted + 1;  // one more row tells whether a next page exists
    auto entries = store.ListAudit(f);
    if (!entries.ok()) return SendStoreError(res, entries.status());
    json next = TakePage(&*entries, wanted);
    json list = json::array();
    for (const auto& e : *entries) list.push_back(AuditJson(e));
    SendJson(res, 200, {{"entries", list}, {"next_after_id", next}});
  });

  server.Post("/api/admin/agents", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (!p->is_admin()) return SendError(res, Forbidden("Action réservée aux administrateurs."));
    auto body = ParseObject(req, res, false);
    if (!body) return;
    Agent a;
    std::string password, role;
    if (!GetString(*body, "login", &a.login, res) ||
        !GetString(*body, "display_name", &a.display_name, res) ||
        !GetString(*body, "password", &password, res) || !GetString(*body, "role", &role, res) ||
        !GetString(*body, "service", &a.service, res)) {
      return;
    }
    if (!ParseAgentRole(role, &a.role)) {
      return SendError(res, BadArgument("Rôle inconnu (agent, supervisor, admin)."));
    }
    auto created = authenticator.CreateAgent(a, password);
    if (!created.ok()) return SendStatus(res, created.status());
    AuditEntry audit;
    audit.at_ms = clock.NowMillis();
    audit.service = created->service;
    audit.agent = p->agent.login;
    audit.action = "agent_created";
    audit.detail = created->login + " (" + std::string(ToString(created->role)) + ")";
    if (auto r = store.AppendAudit(audit); !r.ok()) return SendStoreError(res, r.status());
    SendJson(res, 201, {{"agent", AgentJson(*created)}});
  });

  server.Post("/api/admin/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (!p->is_admin()) return SendError(res, Forbidden("Action réservée aux administrateurs."));
    auto body = ParseObject(req, res, false);
    if (!body) return;
    std::string service, label;
    if (!GetString(*body, "service", &service, res) || !GetString(*body, "label", &label, res)) {
      return;
    }
    auto created = authenticator.CreateApiToken(service, label);
    if (!created.ok()) return SendStatus(res, created.status());
    AuditEntry audit;
    audit.at_ms = clock.NowMillis();
    audit.service = service;
    audit.agent = p->agent.login;
    audit.action = "token_created";
    audit.detail = "token:" + std::to_string(created->id) + " " + label;
    if (auto r = store.AppendAudit(audit); !r.ok()) return SendStoreError(res, r.status());
    res.set_header("Cache-Control", "no-store");
    SendJson(res, 201, {{"token", created->token}, {"id", created->id}});
  });
}

void Server::Impl::KnowledgeRoutes() {
  server.Get("/api/search", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    SearchRequest sr;
    sr.query = req.get_param_value("q");
    if (req.has_param("limit")) {
      try {
        sr.limit = std::stoi(req.get_param_value("limit"));
      } catch (const std::exception&) {
        return SendError(res, BadArgument("limit doit être un entier."));
      }
    }
    sr.audience = req.get_param_value("audience");
    sr.source = req.get_param_value("source");
    auto hits = retriever.Search(sr);
    if (!hits.ok()) {
      if (hits.status().code() == StatusCode::kInvalidArgument) {
        return SendError(res, BadArgument("Recherche invalide : " + hits.status().message()));
      }
      return SendStatus(res, hits.status());
    }
    json out = json::array();
    for (const auto& h : *hits) {
      out.push_back({{"document_id", h.document_id},
                     {"fiche_id", h.fiche_id},
                     {"title", h.title},
                     {"url", h.url},
                     {"section", h.section_path},
                     {"source_date", h.source_date},
                     {"score", h.score},
                     {"snippet", h.snippet}});
    }
    SendJson(res, 200, {{"results", out}});
  });

  server.Get(R"(/api/documents/([a-z]+)/([A-Za-z0-9]+))", [this](const httplib::Request& req,
                                                                 httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    std::string id = std::string(req.matches[1]) + "/" + std::string(req.matches[2]);
    auto doc = store.GetDocument(id);
    if (!doc.ok()) {
      if (doc.status().code() == StatusCode::kNotFound) {
        return SendError(res, {404, "not_found", "Fiche introuvable : " + id + "."});
      }
      return SendStoreError(res, doc.status());
    }
    json sections = json::array();
    for (const auto& s : doc->sections) sections.push_back({{"path", s.path}, {"text", s.text}});
    json links = json::array();
    for (const auto& l : doc->links) {
      links.push_back({{"kind", l.kind}, {"title", l.title}, {"url", l.url}});
    }
    SendJson(res, 200,
             {{"id", doc->id},
              {"title", doc->title},
              {"url", doc->url},
              {"type", doc->type},
              {"source_date", doc->source_date},
              {"status", doc->status == DocumentStatus::kActive ? "active" : "withdrawn"},
              {"introduction", doc->introduction},
              {"sections", sections},
              {"links", links}});
  });
}

void Server::Impl::OutcomeRoutes() {
  // Prometheus text format; no authentication (counts only, no personal data).
  server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.Expose(), std::string(metrics::Registry::kContentType));
  });

  // Public rating page of a sent reply (no login; the token in the URL is the only credential).
  server.Get(R"(/avis/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    SetPublicPageHeaders(res);
    const std::string token = req.matches[1].str();
    auto view = satisfaction.View(token, ClientAddress(req));
    if (!view.ok()) {
      const int code = view.status().code() == StatusCode::kFailedPrecondition  ? 410
                       : view.status().code() == StatusCode::kResourceExhausted ? 429
                       : view.status().code() == StatusCode::kNotFound          ? 404
                                                                                : 503;
      res.status = code;
      const std::string message = code == 503 ? "Service momentanément indisponible, réessayez "
                                                "plus tard."
                                              : view.status().message();
      res.set_content(
          SatisfactionPage("Avis", "<h1>Votre avis</h1>\n<p>" + util::HtmlEscape(message) + "</p>"),
          "text/html; charset=utf-8");
      return;
    }
    res.set_content(SatisfactionPage("Votre avis", SatisfactionForm(token, *view, "")),
                    "text/html; charset=utf-8");
  });

  // Rating: JSON {score: 1..5, useful?: bool, comment?: string} -> 200 {rating}, or the page's
  // HTML form (score, useful=oui|non, comment) -> HTML page.
  server.Post(R"(/api/satisfaction/([^/]+))", [this](const httplib::Request& req,
                                                     httplib::Response& res) {
    const std::string token = req.matches[1].str();
    const bool form =
        req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded");
    int score = 0;
    std::optional<bool> useful;
    std::string comment;
    if (form) {
      auto fields = ParseForm(req.body);
      const std::string& s = fields["score"];
      if (s.size() == 1 && s[0] >= '1' && s[0] <= '5') score = s[0] - '0';
      if (fields["useful"] == "oui") useful = true;
      if (fields["useful"] == "non") useful = false;
      comment = fields["comment"];
    } else {
      auto body = ParseObject(req, res, false);
      if (!body) return;
      auto it = body->find("score");
      if (it == body->end() || !it->is_number_integer()) {
        return SendError(res, BadArgument("Le champ « score » doit être un entier de 1 à 5."));
      }
      score = static_cast<int>(std::clamp<int64_t>(it->get<int64_t>(), -1, 6));
      auto u = body->find("useful");
      if (u != body->end() && !u->is_null()) {
        if (!u->is_boolean()) {
          return SendError(res, BadArgument("Le champ « useful » doit être vrai ou faux."));
        }
        useful = u->get<bool>();
      }
      if (!GetString(*body, "comment", &comment, res)) return;
    }
    auto rated = satisfaction.Rate(token, ClientAddress(req), score, useful, comment);
    if (form) {
      SetPublicPageHeaders(res);
      if (rated.ok()) {
        metrics::SatisfactionView view;
        view.rating = *rated;
        view.editable_until_ms = rated->rated_at_ms + options.satisfaction.edit_window_ms;
        res.set_content(
            SatisfactionPage(
                "Merci", SatisfactionForm(token, view, "Merci, votre avis a bien été enregistré.")),
            "text/html; charset=utf-8");
        return;
      }
      const StatusCode c = rated.status().code();
      res.status = c == StatusCode::kFailedPrecondition  ? 410
                   : c == StatusCode::kResourceExhausted ? 429
                   : c == StatusCode::kNotFound          ? 404
                   : c == StatusCode::kInvalidArgument   ? 400
                                                         : 503;
      const std::string message =
          res.status == 503 ? "Service momentanément indisponible." : rated.status().message();
      res.set_content(
          SatisfactionPage("Avis", "<h1>Votre avis</h1>\n<p>" + util::HtmlEscape(message) + "</p>"),
          "text/html; charset=utf-8");
      return;
    }
    if (!rated.ok()) {
      if (rated.status().code() == StatusCode::kFailedPrecondition) {
        return SendError(res, {410, "gone", rated.status().message()});
      }
      if (rated.status().code() == StatusCode::kNotFound) {
        return SendError(res, {404, "not_found", rated.status().message()});
      }
      return SendStatus(res, rated.status());
    }
    SendJson(res, 200,
             {{"rating",
               {{"score", rated->score},
                {"useful", rated->useful ? json(*rated->useful) : json(nullptr)},
                {"comment", rated->comment},
                {"rated_at", FormatIsoUtc(rated->rated_at_ms)},
                {"updated_at", FormatIsoUtc(rated->updated_at_ms)},
                {"editable_until",
                 FormatIsoUtc(rated->rated_at_ms + options.satisfaction.edit_window_ms)}}}});
  });

  // An agent's thumbs up/down on a draft: {thumbs_up: bool, reasons?: [code], comment?: string}.
  server.Post(R"(/api/drafts/([^/]+)/feedback)", [this](const httplib::Request& req,
                                                        httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    auto id = ParseId(req.matches[1].str());
    if (!id) return SendError(res, DraftNotFound());
    auto body = ParseObject(req, res, false);
    if (!body) return;
    DraftFeedback fb;
    auto up = body->find("thumbs_up");
    if (up == body->end() || !up->is_boolean()) {
      return SendError(res, BadArgument("Le champ « thumbs_up » (vrai ou faux) est obligatoire."));
    }
    fb.thumbs_up = up->get<bool>();
    auto reasons = body->find("reasons");
    if (reasons != body->end() && !reasons->is_null()) {
      if (!reasons->is_array() || reasons->size() > kFeedbackReasonCodes.size() * 2) {
        return SendError(res, BadArgument("Le champ « reasons » doit être une liste de motifs."));
      }
      for (const auto& r : *reasons) {
        FeedbackReason reason;
        if (!r.is_string() || !ParseFeedbackReason(r.get<std::string>(), &reason)) {
          return SendError(res, BadArgument("Motif inconnu : utilisez inexact, incomplet, "
                                            "hors_sujet, ton ou source_obsolete."));
        }
        if (std::find(fb.reasons.begin(), fb.reasons.end(), reason) == fb.reasons.end()) {
          fb.reasons.push_back(reason);
        }
      }
    }
    if (!GetString(*body, "comment", &fb.comment, res) ||
        !RequireShort(fb.comment, "comment", res)) {
      return;
    }
    Message m;
    auto draft = VisibleDraft(*p, *id, res, &m);
    if (!draft) return;
    fb.draft_id = draft->id;
    fb.message_id = m.id;
    fb.agent = p->agent.login;
    fb.created_at_ms = clock.NowMillis();
    auto fid = store.SaveDraftFeedback(fb);
    if (!fid.ok()) return SendStoreError(res, fid.status());
    fb.id = *fid;
    SendJson(res, 201, {{"feedback", FeedbackJson(fb)}});
  });

  // Outcome figures (issue #5): supervisors see their service, admins any or all.
  auto outcomes = [this](const httplib::Request& req, httplib::Response& res, bool csv) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (p->agent.role == AgentRole::kAgent) {
      return SendError(res, Forbidden("Le tableau de bord est réservé aux superviseurs."));
    }
    metrics::OutcomeQuery q;
    const std::string requested = req.get_param_value("service");
    if (p->is_admin()) {
      if (!requested.empty()) q.service = requested;
    } else {
      if (!requested.empty() && requested != p->service) {
        return SendError(res, {404, "not_found", "Service introuvable."});
      }
      q.service = p->service;
    }
    const int64_t day = 86'400'000;
    const int64_t today = metrics::BucketStart(clock.NowMillis(), metrics::Granularity::kDay);
    std::optional<int64_t> from = today - 55 * day;  // last 8 weeks by default
    std::optional<int64_t> to = today;
    if (req.has_param("from")) from = metrics::ParseDate(req.get_param_value("from"));
    if (req.has_param("to")) to = metrics::ParseDate(req.get_param_value("to"));
    if (!from || !to) {
      return SendError(res, BadArgument("Dates attendues au format AAAA-MM-JJ."));
    }
    if (*to < *from) return SendError(res, BadArgument("« to » doit suivre « from »."));
    q.from_ms = *from;
    q.to_ms = *to + day;  // `to` is inclusive
    if (req.has_param("granularity") &&
        !metrics::ParseGranularity(req.get_param_value("granularity"), &q.granularity)) {
      return SendError(res, BadArgument("« granularity » vaut day ou week."));
    }
    auto input = metrics::LoadOutcomeInput(store, q);
    if (!input.ok()) return SendStoreError(res, input.status());
    auto report = metrics::ComputeOutcomes(*input);
    if (!report.ok()) return SendStatus(res, report.status());
    if (csv) {
      res.set_header("Content-Disposition", "attachment; filename=\"plume-resultats-" +
                                                metrics::FormatDate(*from) + "-" +
                                                metrics::FormatDate(*to) + ".csv\"");
      // UTF-8 byte order mark: spreadsheet software then reads the accents correctly.
      res.set_content("\xEF\xBB\xBF" + metrics::OutcomeReportToCsv(*report),
                      "text/csv; charset=utf-8");
      return;
    }
    res.set_content(metrics::OutcomeReportToJson(*report), "application/json; charset=utf-8");
  };
  server.Get("/api/metrics/outcomes.csv",
             [outcomes](const httplib::Request& req, httplib::Response& res) {
               outcomes(req, res, true);
             });
  server.Get("/api/metrics/outcomes",
             [outcomes](const httplib::Request& req, httplib::Response& res) {
               outcomes(req, res, false);
             });
}

void Server::Impl::StaticRoutes() {
  if (!options.web_dir.empty() && std::filesystem::is_directory(options.web_dir)) {
    server.set_mount_point("/", options.web_dir.string());
    // SPA fallback: any other non-API GET serves index.html (client-side routing).
    std::filesystem::path index = options.web_dir / "index.html";
    server.Get(R"(/(?!api/).*)", [index](const httplib::Request&, httplib::Response& res) {
      std::ifstream in(index, std::ios::binary);
      if (!in) {
        return SendError(res, {404, "not_found", "Interface web introuvable."});
      }
      std::ostringstream ss;
      ss << in.rdbuf();
      res.set_content(ss.str(), "text/html; charset=utf-8");
    });
  } else {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kFallbackPage, "text/html; charset=utf-8");
    });
  }
}

Server::Server(Store& store, const Retriever& retriever, Drafter* drafter, const Clock& clock,
               ServerOptions options)
    : impl_(std::make_unique<Impl>(store, retriever, drafter, clock, std::move(options))) {
  impl_->Routes();
}

Server::~Server() { Stop(); }

Status Server::Bind() {
  if (impl_->options.port == 0) {
    impl_->port = impl_->server.bind_to_any_port(impl_->options.host);
  } else {
    impl_->port = impl_->server.bind_to_port(impl_->options.host, impl_->options.port)
                      ? impl_->options.port
                      : -1;
  }
  if (impl_->port <= 0) {
    return Unavailable("cannot bind " + impl_->options.host + ":" +
                       std::to_string(impl_->options.port));
  }
  return Status::Ok();
}

int Server::port() const { return impl_->port; }

Status Server::Listen() {
  std::signal(SIGPIPE, SIG_IGN);
  impl_->listen_entered.store(true);
  Status s = Status::Ok();
  if (!impl_->stop_requested.load() && !impl_->server.listen_after_bind()) {
    s = Unavailable("server stopped with an error");
  }
  impl_->listen_done.store(true);
  return s;
}

void Server::Stop() {
  // httplib ignores stop() before its loop runs; remember the request so that a Listen() that
  // has not started yet returns at once, and wait for a started one to be running.
  impl_->stop_requested.store(true);
  if (!impl_->listen_entered.load()) return;
  while (!impl_->server.is_running() && !impl_->listen_done.load()) std::this_thread::yield();
  impl_->server.stop();
}

}  // namespace plume::http
