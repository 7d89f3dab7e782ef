#include "channels/outbox.h"

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
  PLUME_ASSIGN_OR_RETURN(std::vector<OutboxEntry> due,
                         outbox_->ListDue(clock_->NowMillis(), limit));
  for (const OutboxEntry& e : due) {
    Status st = smtp_->Send(e.envelope_from, e.recipients, e.raw);
    const int64_t now = clock_->NowMillis();
    if (st.ok()) {
      PLUME_RETURN_IF_ERROR(outbox_->MarkSent(e.id, now));
      ++report.sent;
      continue;
    }
    const int attempts = e.attempts + 1;
    const bool permanent =
        st.code() == StatusCode::kFailedPrecondition || st.code() == StatusCode::kInvalidArgument;
    const bool exhausted = static_cast<size_t>(attempts) > policy_.backoff_ms.size();
    const bool give_up = permanent || exhausted;
    const int64_t next = give_up ? 0 : now + policy_.backoff_ms[static_cast<size_t>(attempts) - 1];
    PLUME_RETURN_IF_ERROR(outbox_->MarkAttemptFailed(e.id, attempts, next, st.ToString(), give_up));
    if (give_up) {
      ++report.failed;
    } else {
      ++report.retried;
    }
  }
  return report;
}

}  // namespace plume::channels
