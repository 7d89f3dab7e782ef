// TEST HELPERS ONLY — not a product path. In-memory MailRepository and Outbox used by the
// channels tests until the store implements these interfaces (see the lead's report).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "channels/mail_poller.h"
#include "channels/outbox.h"

namespace plume::channels::testing {

class MemoryMailRepository final : public MailRepository {
 public:
  struct Inbound {
    int64_t message_id = 0;
    ParsedEmail email;
    std::optional<int64_t> parent;
  };
  Result<std::optional<int64_t>> FindByRfcMessageId(const std::string& service,
                                                    const std::string& rfc_id) override {
    auto it = ids_.find({service, rfc_id});
    if (it == ids_.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(it->second);
  }
  Status RecordInbound(const std::string& service, int64_t message_id, const ParsedEmail& email,
                       std::optional<int64_t> parent) override {
    if (!email.message_id.empty()) ids_[{service, email.message_id}] = message_id;
    inbound.push_back({message_id, email, parent});
    return Status::Ok();
  }
  // A reply sent for `message_id` with Message-ID `rfc_id` (what the outbox would record).
  void RecordOutbound(const std::string& service, const std::string& rfc_id, int64_t message_id) {
    ids_[{service, rfc_id}] = message_id;
  }
  std::vector<Inbound> inbound;

 private:
  std::map<std::pair<std::string, std::string>, int64_t> ids_;
};

class MemoryOutbox final : public Outbox {
 public:
  Result<int64_t> Enqueue(const OutboxEntry& entry) override {
    OutboxEntry e = entry;
    e.id = next_id_++;
    e.state = OutboxState::kPending;
    e.attempts = 0;
    entries_[e.id] = e;
    return e.id;
  }
  Result<std::vector<OutboxEntry>> ListDue(int64_t now_ms, int limit) override {
    std::vector<OutboxEntry> out;
    for (const auto& [id, e] : entries_) {
      if (e.state == OutboxState::kPending && e.next_attempt_ms <= now_ms &&
          static_cast<int>(out.size()) < limit) {
        out.push_back(e);
      }
    }
    return out;
  }
  Result<std::vector<OutboxEntry>> ListByState(OutboxState state, int limit) override {
    std::vector<OutboxEntry> out;
    for (const auto& [id, e] : entries_) {
      if (e.state == state && static_cast<int>(out.size()) < limit) out.push_back(e);
    }
    return out;
  }
  Result<OutboxEntry> Get(int64_t id) override {
    auto it = entries_.find(id);
    if (it == entries_.end()) return NotFound("outbox entry " + std::to_string(id));
    return it->second;
  }
  Status MarkSent(int64_t id, int64_t now_ms) override {
    auto it = entries_.find(id);
    if (it == entries_.end()) return NotFound("outbox entry");
    it->second.state = OutboxState::kSent;
    it->second.sent_ms = now_ms;
    ++it->second.attempts;
    return Status::Ok();
  }
  Status MarkAttemptFailed(int64_t id, int attempts, int64_t next_attempt_ms,
                           const std::string& error, bool give_up) override {
    auto it = entries_.find(id);
    if (it == entries_.end()) return NotFound("outbox entry");
    it->second.attempts = attempts;
    it->second.next_attempt_ms = next_attempt_ms;
    it->second.last_error = error;
    if (give_up) it->second.state = OutboxState::kFailed;
    return Status::Ok();
  }
  Status Retry(int64_t id, int64_t now_ms) override {
    auto it = entries_.find(id);
    if (it == entries_.end()) return NotFound("outbox entry");
    if (it->second.state != OutboxState::kFailed) return FailedPrecondition("not failed");
    it->second.state = OutboxState::kPending;
    it->second.next_attempt_ms = now_ms;
    return Status::Ok();
  }

 private:
  int64_t next_id_ = 1;
  std::map<int64_t, OutboxEntry> entries_;
};

}  // namespace plume::channels::testing
