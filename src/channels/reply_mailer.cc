#include "channels/reply_mailer.h"

#include "channels/reply_builder.h"
#include "util/text.h"

namespace plume::channels {

bool RepliesByEmail(const Message& message) {
  return message.channel == Channel::kEmail || !message.sender_email.empty();
}

Result<int64_t> EnqueueReplyEmail(Store& store, const Clock& clock, const ReplyMailConfig& config,
                                  const Message& message, const Decision& decision,
                                  const std::string& satisfaction_path) {
  if (config.from_email.empty()) {
    return FailedPrecondition("aucune adresse d'expédition configurée (--mail-from)");
  }
  if (message.sender_email.empty()) {
    return FailedPrecondition("le message n'a pas d'adresse électronique d'expéditeur");
  }
  OutgoingReply reply;
  reply.from_name = config.from_name;
  reply.from_email = config.from_email;
  reply.to_name = message.sender_name;
  reply.to_email = message.sender_email;
  reply.subject = util::Trim(message.subject).empty() ? "Votre demande" : message.subject;
  reply.text = decision.final_text;
  reply.date_ms = clock.NowMillis();
  if (!satisfaction_path.empty() && !config.public_base_url.empty()) {
    std::string base = config.public_base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    reply.satisfaction_url = base + satisfaction_path;
  }
  auto envelope = store.GetEmailEnvelope(message.id);
  if (envelope.ok()) {
    reply.in_reply_to = envelope->rfc_message_id;
    if (!reply.in_reply_to.empty()) reply.references = envelope->references;
  } else if (envelope.status().code() != StatusCode::kNotFound) {
    return envelope.status();
  }
  PLUME_ASSIGN_OR_RETURN(BuiltMessage built, BuildReplyMime(reply));
  MailOutboxEntry entry;
  entry.message_id = message.id;
  if (decision.id != 0) entry.decision_id = decision.id;
  entry.rfc_message_id = built.message_id;
  entry.envelope_from = config.from_email;
  entry.recipients = {message.sender_email};
  entry.raw = std::move(built.raw);
  entry.next_attempt_ms = reply.date_ms;
  entry.created_ms = reply.date_ms;
  return store.EnqueueMail(entry);
}

}  // namespace plume::channels
