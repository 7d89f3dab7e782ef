#include "channels/mail_poller.h"

namespace plume::channels {

Result<PollReport> MailPoller::PollOnce(int max_messages) {
  PollReport report;
  PLUME_ASSIGN_OR_RETURN(std::vector<uint32_t> uids, mailbox_->ListUnseen(kRejectedKeyword));
  int handled = 0;
  for (uint32_t uid : uids) {
    if (handled++ >= max_messages) break;
    auto raw = mailbox_->Fetch(uid, limits_.max_message_bytes);
    if (!raw.ok() && raw.status().code() != StatusCode::kResourceExhausted) return raw.status();
    Result<ParsedEmail> email =
        raw.ok() ? ParseEmail(*raw, limits_) : Result<ParsedEmail>(raw.status());
    if (!email.ok()) {
      if (email.status().code() != StatusCode::kResourceExhausted &&
          email.status().code() != StatusCode::kInvalidArgument) {
        return email.status();
      }
      PLUME_RETURN_IF_ERROR(mailbox_->AddFlag(uid, kRejectedKeyword));
      report.rejected.push_back({uid, email.status().ToString()});
      continue;
    }
    if (repository_ && !email->message_id.empty()) {
      PLUME_ASSIGN_OR_RETURN(auto existing,
                             repository_->FindByRfcMessageId(service_, email->message_id));
      if (existing.has_value()) {
        PLUME_RETURN_IF_ERROR(mailbox_->AddFlag(uid, "\\Seen"));
        ++report.duplicates;
        continue;
      }
    }
    std::optional<int64_t> parent;
    std::vector<std::string> candidates;
    if (!email->in_reply_to.empty()) candidates.push_back(email->in_reply_to);
    candidates.insert(candidates.end(), email->references.rbegin(), email->references.rend());
    if (!repository_) candidates.clear();
    for (const std::string& id : candidates) {
      PLUME_ASSIGN_OR_RETURN(parent, repository_->FindByRfcMessageId(service_, id));
      if (parent) break;
    }
    Message m;
    m.service = service_;
    m.channel = Channel::kEmail;
    m.sender_name = email->from_name;
    m.sender_email = email->reply_to_email.empty() ? email->from_email : email->reply_to_email;
    m.subject = email->subject;
    m.body = email->body;
    if (m.body.empty()) {
      m.body = email->attachments.empty() ? "(message sans texte)" : "(pièces jointes seulement)";
    }
    m.received_at_ms = clock_->NowMillis();
    if (router_ != nullptr) PLUME_RETURN_IF_ERROR(router_->Route(&m));
    PLUME_ASSIGN_OR_RETURN(int64_t id, store_->CreateMessage(m));
    if (repository_) {
      PLUME_RETURN_IF_ERROR(repository_->RecordInbound(service_, id, *email, parent));
    }
    PLUME_RETURN_IF_ERROR(mailbox_->AddFlag(uid, "\\Seen"));
    ++report.stored;
    if (parent) ++report.threaded;
  }
  return report;
}

}  // namespace plume::channels
