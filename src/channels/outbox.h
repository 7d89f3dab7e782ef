// Outbox: replies waiting to be sent by SMTP, with their retry state. A reply is never dropped:
// it is sent, or waiting for its next attempt, or kFailed (permanent refusal or retries
// exhausted) and then listed for an agent to act on.
//
// Persistence: `Outbox` is implemented over the Store by StoreOutbox (store_mail_state.h).
// OutboxSender is not thread-safe; run one per process.
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
};

struct SendReport {
  int sent = 0;
  int retried = 0;  // failed, will be tried again
  int failed = 0;   // moved to kFailed during this run
};

class OutboxSender {
 public:
  // All pointers must outlive the sender.
  OutboxSender(Outbox* outbox, SmtpSender* smtp, const Clock* clock, RetryPolicy policy = {})
      : outbox_(outbox), smtp_(smtp), clock_(clock), policy_(std::move(policy)) {}

  // Sends every due entry once. Permanent refusals (kFailedPrecondition, kInvalidArgument) fail
  // at once; other errors are retried per the policy. Errors: only outbox (store) failures.
  Result<SendReport> RunOnce(int limit = 100);

 private:
  Outbox* outbox_;
  SmtpSender* smtp_;
  const Clock* clock_;
  RetryPolicy policy_;
};

}  // namespace plume::channels
