// E-mail replies (issue #7): the outbox of replies going out by SMTP, their delivery state on the
// message, and the attachments of received e-mails.
//   GET  /api/outbox?state=pending|sent|failed&after_id=&limit=   supervisor/admin, own service
//   POST /api/outbox/{id}/retry                                  agent session + CSRF
//   GET  /api/messages/{id}/attachments/{attachment_id}          bytes, as a download
// Another service's entry, message or attachment answers 404 exactly like an unknown id.
#include <spdlog/spdlog.h>

#include <cctype>

#include "channels/reply_mailer.h"
#include "http/server_impl.h"
#include "http/text_metrics.h"

namespace plume::http {
namespace {

ApiError OutboxNotFound() { return {404, "not_found", "Envoi introuvable."}; }
ApiError AttachmentNotFound() { return {404, "not_found", "Pièce jointe introuvable."}; }

std::string_view StateLabel(MailOutboxState s) {
  switch (s) {
    case MailOutboxState::kPending:
      return "en attente";
    case MailOutboxState::kSent:
      return "envoyé";
    case MailOutboxState::kFailed:
      return "échec";
  }
  return "";
}

// Percent-encodes a file name for Content-Disposition's filename* (RFC 5987).
std::string Rfc5987(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace

json Server::Impl::OutboxEntryJson(const MailOutboxEntry& e) {
  return {{"id", e.id},
          {"message_id", e.message_id},
          {"service", e.service},
          {"state", ToString(e.state)},
          {"state_label", StateLabel(e.state)},
          {"attempts", e.attempts},
          {"last_error", e.last_error},
          {"recipients", e.recipients},
          {"rfc_message_id", e.rfc_message_id},
          {"created_at", FormatIsoUtc(e.created_ms)},
          {"next_attempt_at", e.state == MailOutboxState::kPending
                                  ? json(FormatIsoUtc(e.next_attempt_ms))
                                  : json(nullptr)},
          {"sent_at", e.sent_ms != 0 ? json(FormatIsoUtc(e.sent_ms)) : json(nullptr)}};
}

Result<json> Server::Impl::EmailDeliveryJson(const Message& m) {
  if (!channels::RepliesByEmail(m)) return json(nullptr);
  MailOutboxFilter f;
  f.message_id = m.id;
  f.limit = 100;
  PLUME_ASSIGN_OR_RETURN(std::vector<MailOutboxEntry> entries, store.ListMailOutbox(f));
  if (!entries.empty()) return OutboxEntryJson(entries.back());
  if (m.status != MessageStatus::kAnswered && m.status != MessageStatus::kClosed) {
    return json(nullptr);
  }
  return json{{"state", "not_queued"},
              {"state_label", "non envoyée par courriel"},
              {"last_error", options.mail_from.empty()
                                 ? "L'envoi par courriel n'est pas configuré sur ce serveur."
                                 : "La réponse n'a pas pu être mise en file d'envoi."}};
}

Result<json> Server::Impl::EmailDetailsJson(const Message& m) {
  json out = json::object();
  // Envelopes and attachments are recorded only by the IMAP poller, for e-mail messages: the
  // other channels skip both queries (this route is the agents' most frequent read).
  if (m.channel != Channel::kEmail) {
    out["email"] = nullptr;
    out["attachments"] = json::array();
    PLUME_ASSIGN_OR_RETURN(out["email_delivery"], EmailDeliveryJson(m));
    return out;
  }
  auto envelope = store.GetEmailEnvelope(m.id);
  if (envelope.ok()) {
    out["email"] = {
        {"message_id", envelope->rfc_message_id},
        {"in_reply_to", envelope->in_reply_to},
        {"thread_parent_id",
         envelope->thread_parent_id ? json(*envelope->thread_parent_id) : json(nullptr)}};
  } else if (envelope.status().code() == StatusCode::kNotFound) {
    out["email"] = nullptr;
  } else {
    return envelope.status();
  }
  PLUME_ASSIGN_OR_RETURN(std::vector<EmailAttachment> attachments,
                         store.ListEmailAttachments(m.id));
  json list = json::array();
  for (const EmailAttachment& a : attachments) {
    list.push_back({{"id", a.id},
                    {"filename", a.filename},
                    {"content_type", a.content_type},
                    {"size", a.size},
                    {"kept", !a.dropped},
                    {"url", a.dropped ? json(nullptr)
                                      : json("/api/messages/" + std::to_string(m.id) +
                                             "/attachments/" + std::to_string(a.id))}});
  }
  out["attachments"] = std::move(list);
  PLUME_ASSIGN_OR_RETURN(out["email_delivery"], EmailDeliveryJson(m));
  return out;
}

json Server::Impl::EnqueueReplyEmail(const Principal& p, const Message& m, const Decision& d,
                                     const std::string& satisfaction_path) {
  if (!channels::RepliesByEmail(m)) return nullptr;
  channels::ReplyMailConfig config;
  config.from_email = options.mail_from;
  config.from_name = options.mail_from_name;
  config.public_base_url = options.public_base_url;
  auto id = channels::EnqueueReplyEmail(store, clock, config, m, d, satisfaction_path);
  if (!id.ok()) {
    // The reply itself is recorded; only its e-mail is missing. Log it, keep an audit line and
    // show the state to the agent.
    spdlog::error("reply e-mail for message {} (decision {}) not queued: {}", m.id, d.id,
                  id.status().ToString());
    AuditEntry audit;
    audit.at_ms = clock.NowMillis();
    audit.service = m.service;
    audit.agent = p.agent.login;
    audit.action = "email_not_queued";
    audit.message_id = m.id;
    audit.detail = id.status().message();
    if (auto a = store.AppendAudit(audit); !a.ok()) {
      spdlog::error("audit of the missing e-mail failed: {}", a.status().ToString());
    }
    const bool config_error = id.status().code() == StatusCode::kFailedPrecondition ||
                              id.status().code() == StatusCode::kInvalidArgument;
    return {{"state", "not_queued"},
            {"state_label", "non envoyée par courriel"},
            {"last_error", config_error ? "Courriel non préparé : " + id.status().message()
                                        : std::string("La réponse n'a pas pu être mise en file "
                                                      "d'envoi (base de données indisponible).")}};
  }
  // The state is read before the sender wakes up: the answer describes the e-mail as queued,
  // not whatever attempt the sender may already have made (the message page shows later states).
  auto entry = store.GetMailOutboxEntry(*id);
  if (options.on_mail_enqueued) options.on_mail_enqueued();
  if (!entry.ok()) return {{"state", "pending"}, {"state_label", "en attente"}, {"id", *id}};
  return OutboxEntryJson(*entry);
}

void Server::Impl::MailRoutes() {
  server.Get("/api/outbox", [this](const httplib::Request& req, httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgent);
    if (!p) return;
    if (p->agent.role == AgentRole::kAgent) {
      return SendError(res, Forbidden("La file d'envoi est réservée aux superviseurs."));
    }
    MailOutboxFilter f;
    if (!p->is_admin()) {
      f.service = p->service;
    } else if (req.has_param("service")) {
      f.service = req.get_param_value("service");
    }
    if (req.has_param("state")) {
      MailOutboxState st;
      if (!ParseMailOutboxState(req.get_param_value("state"), &st)) {
        return SendError(res, BadArgument("État inconnu (pending, sent, failed)."));
      }
      f.state = st;
    }
    auto page = ParsePageRequest(req, res);
    if (!page) return;
    f.after_id = page->after_id;
    const int wanted = page->limit;
    f.limit = wanted + 1;  // one more row tells whether a next page exists
    auto entries = store.ListMailOutbox(f);
    if (!entries.ok()) return SendStoreError(res, entries.status());
    json next = TakePage(&*entries, wanted);
    json list = json::array();
    for (const auto& e : *entries) list.push_back(OutboxEntryJson(e));
    SendJson(res, 200, {{"entries", list}, {"next_after_id", next}});
  });

  server.Post(
      R"(/api/outbox/([^/]+)/retry)", [this](const httplib::Request& req, httplib::Response& res) {
        auto p = Authenticate(req, res, Access::kAgent);
        if (!p) return;
        auto id = ParseId(req.matches[1].str());
        if (!id) return SendError(res, OutboxNotFound());
        auto entry = store.GetMailOutboxEntry(*id);
        if (!entry.ok()) {
          if (entry.status().code() == StatusCode::kNotFound)
            return SendError(res, OutboxNotFound());
          return SendStoreError(res, entry.status());
        }
        if (!CanSee(*p, entry->service)) return SendError(res, OutboxNotFound());
        Status s = store.RetryMail(*id, clock.NowMillis());
        if (s.code() == StatusCode::kFailedPrecondition) {
          return SendError(res, {409, "conflict",
                                 "Seul un envoi en échec peut être relancé (état actuel : " +
                                     std::string(StateLabel(entry->state)) + ")."});
        }
        if (!s.ok()) return SendStoreError(res, s);
        AuditEntry audit;
        audit.at_ms = clock.NowMillis();
        audit.service = entry->service;
        audit.agent = p->agent.login;
        audit.action = "email_retry";
        audit.message_id = entry->message_id;
        audit.detail = "outbox:" + std::to_string(*id);
        if (auto a = store.AppendAudit(audit); !a.ok()) return SendStoreError(res, a.status());
        if (options.on_mail_enqueued) options.on_mail_enqueued();
        auto updated = store.GetMailOutboxEntry(*id);
        if (!updated.ok()) return SendStoreError(res, updated.status());
        SendJson(res, 200, {{"entry", OutboxEntryJson(*updated)}});
      });

  server.Get(R"(/api/messages/([^/]+)/attachments/([^/]+))", [this](const httplib::Request& req,
                                                                    httplib::Response& res) {
    auto p = Authenticate(req, res, Access::kAgentOrToken);
    if (!p) return;
    auto id = ParseId(req.matches[1].str());
    if (!id) return SendError(res, MessageNotFound());
    auto attachment_id = ParseId(req.matches[2].str());
    auto m = VisibleMessage(*p, *id, res);
    if (!m) return;
    if (!attachment_id) return SendError(res, AttachmentNotFound());
    auto a = store.GetEmailAttachment(*attachment_id);
    if (!a.ok()) {
      if (a.status().code() == StatusCode::kNotFound) return SendError(res, AttachmentNotFound());
      return SendStoreError(res, a.status());
    }
    if (a->message_id != m->id) return SendError(res, AttachmentNotFound());
    if (a->dropped) {
      return SendError(
          res, {410, "gone", "Pièce jointe non conservée : elle dépassait la taille maximale."});
    }
    // Always a download, never rendered by the browser (the bytes come from anyone).
    const std::string name = a->filename.empty() ? "piece-jointe" : a->filename;
    res.set_header("Content-Disposition",
                   "attachment; filename=\"piece-jointe\"; filename*=UTF-8''" + Rfc5987(name));
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
    res.set_content(std::move(a->data), "application/octet-stream");
  });
}

}  // namespace plume::http
