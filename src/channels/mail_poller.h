// Polls one IMAP mailbox for a service and turns each new e-mail into a Plume message.
//
// For each unseen message: fetch (BODY.PEEK, the message stays unseen), ParseEmail, store
// (Store::CreateMessage with channel kEmail, then MailRepository::RecordInbound for threading
// ids and attachments), and only then flag it \Seen. A crash between storing and flagging is
// harmless: the repository knows the Message-ID and the next poll only flags it. A message the
// parser rejects (MIME bomb, over 10 MB) is flagged $PlumeRejected (left unseen, so a person sees
// it in the mailbox) and reported; it is not fetched again.
//
// Not thread-safe: one poller per mailbox.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "channels/mail_transport.h"
#include "channels/mime_parser.h"
#include "plume/clock.h"
#include "plume/intent.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::channels {

// Threading ids and attachments of e-mail messages; StoreMailRepository (store_mail_state.h)
// implements it over the Store.
class MailRepository {
 public:
  virtual ~MailRepository() = default;
  // The Plume message carrying RFC Message-ID `rfc_id` (inbound or a reply sent) in `service`.
  virtual Result<std::optional<int64_t>> FindByRfcMessageId(const std::string& service,
                                                            const std::string& rfc_id) = 0;
  // Records the e-mail envelope of stored message `message_id`: its Message-ID, In-Reply-To,
  // References, the thread it continues (a Plume message id) and its attachments (bytes kept).
  virtual Status RecordInbound(const std::string& service, int64_t message_id,
                               const ParsedEmail& email,
                               std::optional<int64_t> thread_parent_id) = 0;
};

struct PollReport {
  int stored = 0;      // new messages created
  int duplicates = 0;  // already stored (crash between store and \Seen), only flagged
  int threaded = 0;    // of the stored ones, continuing an earlier conversation
  struct Rejected {
    uint32_t uid = 0;
    std::string reason;
  };
  std::vector<Rejected> rejected;
};

class MailPoller {
 public:
  static constexpr const char* kRejectedKeyword = "$PlumeRejected";

  // All pointers must outlive the poller; `repository` may be null (then no duplicate detection,
  // threading nor attachments: messages are only stored and flagged). `service` is non-empty.
  MailPoller(ImapMailbox* mailbox, Store* store, MailRepository* repository, const Clock* clock,
             std::string service, MimeLimits limits = {})
      : mailbox_(mailbox),
        store_(store),
        repository_(repository),
        clock_(clock),
        service_(std::move(service)),
        limits_(limits) {}

  // One pass over the unseen messages, at most `max_messages`. Errors: IMAP or store failures
  // (kUnavailable...); messages handled before the failure stay handled.
  Result<PollReport> PollOnce(int max_messages = 500);
  // Routes each new message (intent and queue, issue #6) before it is stored; borrowed, may be
  // null (messages then stay unrouted).
  void set_router(const MessageRouter* router) { router_ = router; }

 private:
  ImapMailbox* mailbox_;
  Store* store_;
  MailRepository* repository_;
  const Clock* clock_;
  std::string service_;
  MimeLimits limits_;
  const MessageRouter* router_ = nullptr;
};

}  // namespace plume::channels
