#include "channels/store_mail_state.h"

#include <glib.h>
#include <unistd.h>

#include <algorithm>
#include <random>

namespace plume::channels {
namespace {

MailOutboxState ToStore(OutboxState s) {
  switch (s) {
    case OutboxState::kPending:
      return MailOutboxState::kPending;
    case OutboxState::kSent:
      return MailOutboxState::kSent;
    case OutboxState::kFailed:
      return MailOutboxState::kFailed;
  }
  return MailOutboxState::kPending;
}

OutboxState FromStore(MailOutboxState s) {
  switch (s) {
    case MailOutboxState::kPending:
      return OutboxState::kPending;
    case MailOutboxState::kSent:
      return OutboxState::kSent;
    case MailOutboxState::kFailed:
      return OutboxState::kFailed;
  }
  return OutboxState::kPending;
}

OutboxEntry FromStore(MailOutboxEntry e) {
  OutboxEntry out;
  out.id = e.id;
  out.message_id = e.message_id;
  out.service = std::move(e.service);
  out.decision_id = e.decision_id;
  out.rfc_message_id = std::move(e.rfc_message_id);
  out.envelope_from = std::move(e.envelope_from);
  out.recipients = std::move(e.recipients);
  out.raw = std::move(e.raw);
  out.state = FromStore(e.state);
  out.attempts = e.attempts;
  out.next_attempt_ms = e.next_attempt_ms;
  out.last_error = std::move(e.last_error);
  out.created_ms = e.created_ms;
  out.sent_ms = e.sent_ms;
  return out;
}

Result<std::vector<OutboxEntry>> List(Store* store, const MailOutboxFilter& filter) {
  PLUME_ASSIGN_OR_RETURN(std::vector<MailOutboxEntry> rows, store->ListMailOutbox(filter));
  std::vector<OutboxEntry> out;
  out.reserve(rows.size());
  for (MailOutboxEntry& e : rows) out.push_back(FromStore(std::move(e)));
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  gchar* hex = g_compute_checksum_for_data(
      G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(bytes.data()), bytes.size());
  std::string out = hex ? hex : "";
  g_free(hex);
  return out;
}

Result<std::optional<int64_t>> StoreMailRepository::FindByRfcMessageId(const std::string& service,
                                                                       const std::string& rfc_id) {
  return store_->FindMessageByRfcMessageId(service, rfc_id);
}

Status StoreMailRepository::RecordInbound(const std::string& service, int64_t message_id,
                                          const ParsedEmail& email,
                                          std::optional<int64_t> thread_parent_id) {
  (void)service;  // the store takes the service from the message
  EmailEnvelope env;
  env.message_id = message_id;
  env.rfc_message_id = email.message_id;
  env.in_reply_to = email.in_reply_to;
  for (const std::string& r : email.references) {
    if (!r.empty() && r.find('\n') == std::string::npos) env.references.push_back(r);
  }
  env.thread_parent_id = thread_parent_id;
  std::vector<EmailAttachment> attachments;
  attachments.reserve(email.attachments.size());
  for (const Attachment& a : email.attachments) {
    EmailAttachment s;
    s.message_id = message_id;
    s.filename = a.filename;
    s.content_type = a.content_type;
    s.size = static_cast<int64_t>(a.size);
    // The parser caps all attachments together; the store caps each one: keep both promises.
    s.dropped = a.dropped || a.data.size() > kMaxEmailAttachmentBytes;
    if (!s.dropped) {
      s.data = a.data;
      s.sha256 = Sha256Hex(a.data);
    }
    attachments.push_back(std::move(s));
  }
  return store_->SaveEmailEnvelope(env, attachments);
}

StoreOutbox::StoreOutbox(Store* store, std::string claimer)
    : store_(store), claimer_(std::move(claimer)) {
  if (claimer_.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
    claimer_ = std::string(host[0] ? host : "plume") + ":" + std::to_string(getpid()) + ":" +
               std::to_string(std::random_device{}());
  }
}

Result<int64_t> StoreOutbox::Enqueue(const OutboxEntry& e) {
  MailOutboxEntry s;
  s.message_id = e.message_id;
  s.decision_id = e.decision_id;
  s.rfc_message_id = e.rfc_message_id;
  s.envelope_from = e.envelope_from;
  s.recipients = e.recipients;
  s.raw = e.raw;
  s.next_attempt_ms = e.next_attempt_ms;
  s.created_ms = e.created_ms;
  return store_->EnqueueMail(s);
}

Result<std::vector<OutboxEntry>> StoreOutbox::ListDue(int64_t now_ms, int limit) {
  MailOutboxFilter f;
  f.state = MailOutboxState::kPending;
  f.due_at_ms = now_ms;
  f.limit = std::clamp(limit, 1, 1000);
  return List(store_, f);
}

Result<std::vector<OutboxEntry>> StoreOutbox::Claim(int64_t now_ms, int64_t lease_ms, int limit) {
  PLUME_ASSIGN_OR_RETURN(
      std::vector<MailOutboxEntry> rows,
      store_->ClaimMailOutbox(claimer_, now_ms, lease_ms, std::clamp(limit, 1, 1000)));
  std::vector<OutboxEntry> out;
  out.reserve(rows.size());
  for (MailOutboxEntry& e : rows) out.push_back(FromStore(std::move(e)));
  return out;
}

Result<std::vector<OutboxEntry>> StoreOutbox::ListByState(OutboxState state, int limit) {
  MailOutboxFilter f;
  f.state = ToStore(state);
  f.limit = std::clamp(limit, 1, 1000);
  return List(store_, f);
}

Result<OutboxEntry> StoreOutbox::Get(int64_t id) {
  PLUME_ASSIGN_OR_RETURN(MailOutboxEntry e, store_->GetMailOutboxEntry(id));
  return FromStore(std::move(e));
}

Status StoreOutbox::MarkSent(int64_t id, int64_t now_ms) {
  return store_->MarkMailSent(id, now_ms);
}

Status StoreOutbox::MarkAttemptFailed(int64_t id, int attempts, int64_t next_attempt_ms,
                                      const std::string& error, bool give_up) {
  return store_->MarkMailAttemptFailed(id, attempts, next_attempt_ms, error, give_up);
}

Status StoreOutbox::Retry(int64_t id, int64_t now_ms) { return store_->RetryMail(id, now_ms); }

}  // namespace plume::channels
