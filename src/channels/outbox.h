// Outbox: replies waiting to be sent by SMTP, with their retry state. A reply is never dropped:
// it is sent, or waiting for its next attempt, or kFailed (permanent refusal or retries
// exhausted) and then listed for an agent to act on.
//
// Persistence: `Outbox` is implemented over the Store by StoreOutbox (store_mail_state.h).
// Several senders (threads, processes, nodes) may share one outbox: each claims the entries it
// sends for a lease (Outbox::Claim), so no e-mail is sent twice while its lease runs, and the
// entries of a sender that crashed are sent by another once the lease is over. One
// OutboxSender object is not thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "channels/mail_transport.h"
#include "plume/clock.h"
#include "plume/status.h"

namespace plume::channels {

enum class OutboxState { kPending, kSent, kFailed };
std::string_view ToString(OutboxState s);

struct OutboxEntry {
  int64_t id = 0;                      // assigned by the outbox
  int64_t message_id = 0;              // the Plume message answered
  std::string service;                 // read only: the message's service
  std::optional<int64_t> decision_id;  // the agent's sending decision, when known
  std::string rfc_message_id;  // Message-ID of the built e-mail (threading of the next reply)
  std::string envelope_from;
  std::vector<std::string> recipients;
  std::string raw;  // the built e-mail (reply_builder.h)
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
  int64_t created_ms = 0;
  int64_t sent_ms = 0;
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Stores a pending entry (state, attempts ignored). Returns its id.
  virtual Result<int64_t> Enqueue(const OutboxEntry& entry) = 0;
  // Pending entries with next_attempt_ms <= now_ms, oldest first, at most `limit`.
  virtual Result<std::vector<OutboxEntry>> ListDue(int64_t now_ms, int limit) = 0;
  // Claims for this outbox's sender at most `limit` due entries that no sender holds, oldest
  // first, until now_ms + lease_ms (Store::ClaimMailOutbox): another sender never gets them
  // while the lease runs. MarkSent and MarkAttemptFailed release the claim.
  virtual Result<std::vector<OutboxEntry>> Claim(int64_t now_ms, int64_t lease_ms, int limit) = 0;
  virtual Result<std::vector<OutboxEntry>> ListByState(OutboxState state, int limit) = 0;
  virtual Result<OutboxEntry> Get(int64_t id) = 0;
  virtual Status MarkSent(int64_t id, int64_t now_ms) = 0;
  // Records a failed attempt: attempts and last_error updated; state stays kPending with
  // next_attempt_ms, or becomes kFailed when `give_up`.
  virtual Status MarkAttemptFailed(int64_t id, int attempts, int64_t next_attempt_ms,
                                   const std::string& error, bool give_up) = 0;
  // Puts a kFailed entry back to kPending, due now (an agent's "retry" button).
  virtual Status Retry(int64_t id, int64_t now_ms) = 0;
};

struct RetryPolicy {
  // Delay before attempt 2, 3, ...; after the last one the entry becomes kFailed.
  std::vector<int64_t> backoff_ms = {60'000, 300'000, 1'800'000, 7'200'000, 21'600'000};
  // How long a claim keeps other senders away; after it, a crashed sender's entries are sent by
  // another. Must exceed the time to send one claimed batch: claim_batch SMTP transactions at
  // their timeout (SmtpConfig: 10 s connect + 60 s) fit with room to spare.
  int64_t lease_ms = 15 * 60'000;
  int claim_batch = 10;  // entries claimed at a time
};

struct SendReport {
  int sent = 0;
  int retried = 0;  // failed, will be tried again
  int failed = 0;   // moved to kFailed during this run
  int expired = 0;  // claimed, not tried: the lease ran out first (another sender may hold it)
};

class OutboxSender {
 public:
  // All pointers must outlive the sender.
  OutboxSender(Outbox* outbox, SmtpSender* smtp, const Clock* clock, RetryPolicy policy = {})
      : outbox_(outbox), smtp_(smtp), clock_(clock), policy_(std::move(policy)) {}

  // Claims due entries by batches of policy.claim_batch (at most `limit` in all) and sends each
  // once, unless its lease is over by then (the injected clock says so): it is left to the next
  // claimer. Permanent refusals (kFailedPrecondition, kInvalidArgument) fail at once; other
  // errors are retried per the policy. Errors: only outbox (store) failures; the entries still
  // claimed then are sent after their lease.
  Result<SendReport> RunOnce(int limit = 100);

 private:
  Status SendOne(const OutboxEntry& e, SendReport* report);

  Outbox* outbox_;
  SmtpSender* smtp_;
  const Clock* clock_;
  RetryPolicy policy_;
};

}  // namespace plume::channels
