#include "channels/outbox.h"

#include <algorithm>

namespace plume::channels {

std::string_view ToString(OutboxState s) {
  switch (s) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kSent:
      return "sent";
    case OutboxState::kFailed:
      return "failed";
  }
  return "unknown";
}

Result<SendReport> OutboxSender::RunOnce(int limit) {
  SendReport report;
  const int batch_size = std::max(1, policy_.claim_batch);
  while (limit > 0) {
    const int want = std::min(limit, batch_size);
    const int64_t claimed_at = clock_->NowMillis();
    PLUME_ASSIGN_OR_RETURN(std::vector<OutboxEntry> batch,
                           outbox_->Claim(claimed_at, policy_.lease_ms, want));
    limit -= static_cast<int>(batch.size());
    for (const OutboxEntry& e : batch) {
      if (clock_->NowMillis() >= claimed_at + policy_.lease_ms) {
        ++report.expired;  // another sender may have claimed it since: never send it twice
        continue;
      }
      PLUME_RETURN_IF_ERROR(SendOne(e, &report));
    }
    if (static_cast<int>(batch.size()) < want) break;
  }
  return report;
}

Status OutboxSender::SendOne(const OutboxEntry& e, SendReport* report) {
  Status st = smtp_->Send(e.envelope_from, e.recipients, e.raw);
  const int64_t now = clock_->NowMillis();
  if (st.ok()) {
    PLUME_RETURN_IF_ERROR(outbox_->MarkSent(e.id, now));
    ++report->sent;
    return Status::Ok();
  }
  const int attempts = e.attempts + 1;
  const bool permanent =
      st.code() == StatusCode::kFailedPrecondition || st.code() == StatusCode::kInvalidArgument;
  const bool exhausted = static_cast<size_t>(attempts) > policy_.backoff_ms.size();
  const bool give_up = permanent || exhausted;
  const int64_t next = give_up ? 0 : now + policy_.backoff_ms[static_cast<size_t>(attempts) - 1];
  PLUME_RETURN_IF_ERROR(outbox_->MarkAttemptFailed(e.id, attempts, next, st.ToString(), give_up));
  if (give_up) {
    ++report->failed;
  } else {
    ++report->retried;
  }
  return Status::Ok();
}

}  // namespace plume::channels
