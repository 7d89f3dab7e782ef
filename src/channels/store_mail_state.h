// The e-mail channel's persistent state on the Store: StoreMailRepository (threading ids and
// attachments of received e-mails) and StoreOutbox (replies waiting for SMTP), the product
// implementations of MailRepository and Outbox.
//
// Ownership: both borrow the Store, which must outlive them. Thread-safety: as the Store (every
// method may be called concurrently).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "channels/mail_poller.h"
#include "channels/outbox.h"
#include "plume/store.h"

namespace plume::channels {

// Hex SHA-256 of `bytes` (GLib's GChecksum).
std::string Sha256Hex(std::string_view bytes);

class StoreMailRepository final : public MailRepository {
 public:
  explicit StoreMailRepository(Store* store) : store_(store) {}
  Result<std::optional<int64_t>> FindByRfcMessageId(const std::string& service,
                                                    const std::string& rfc_id) override;
  // Stores the envelope and every attachment (bytes and SHA-256; dropped ones are listed with
  // their size only). Errors: those of Store::SaveEmailEnvelope.
  Status RecordInbound(const std::string& service, int64_t message_id, const ParsedEmail& email,
                       std::optional<int64_t> thread_parent_id) override;

 private:
  Store* store_;
};

class StoreOutbox final : public Outbox {
 public:
  // `claimer` names this sender in its claims (Store::ClaimMailOutbox); empty: host name,
  // process id and a random suffix, unique per StoreOutbox.
  explicit StoreOutbox(Store* store, std::string claimer = {});
  Result<int64_t> Enqueue(const OutboxEntry& entry) override;
  Result<std::vector<OutboxEntry>> ListDue(int64_t now_ms, int limit) override;
  Result<std::vector<OutboxEntry>> Claim(int64_t now_ms, int64_t lease_ms, int limit) override;
  Result<std::vector<OutboxEntry>> ListByState(OutboxState state, int limit) override;
  Result<OutboxEntry> Get(int64_t id) override;
  Status MarkSent(int64_t id, int64_t now_ms) override;
  Status MarkAttemptFailed(int64_t id, int attempts, int64_t next_attempt_ms,
                           const std::string& error, bool give_up) override;
  Status Retry(int64_t id, int64_t now_ms) override;

 private:
  Store* store_;
  std::string claimer_;
};

}  // namespace plume::channels
