// Imports past citizen messages, with the reply that was sent, from CSV, JSON Lines or mbox files:
// seeds reply templates and the evaluation sets.
//
// Record fields (CSV header names / JSON keys): body (required), subject, sender_name,
// sender_email, received_at, reply, replied_at, reply_agent. CSV: RFC 4180 quoting, ',' or ';'
// separator (detected on the header line), optional UTF-8 BOM, unknown columns ignored.
// Dates: ISO 8601 ("2024-06-03", "2024-06-03T10:12:00Z", "2024-06-03 10:12:00+02:00"), French
// "03/06/2024 10:12", or (JSON only) integer milliseconds since the epoch; without an offset, UTC.
// mbox: mboxo/mboxrd, each message parsed by ParseEmail (body with quoted history trimmed).
//
// A bad record (invalid UTF-8, missing body, bad date, wrong column count, malformed JSON, a
// message rejected by the MIME parser) is reported with its 1-based line number and skipped; the
// import goes on. Parsers are pure and thread-safe; Importer is not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plume/clock.h"
#include "plume/intent.h"
#include "plume/message.h"
#include "plume/progress.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::channels {

enum class ImportFormat { kCsv, kJsonl, kMbox };
// "csv", "jsonl", "mbox"; false when unknown.
bool ParseImportFormat(std::string_view text, ImportFormat* out);

struct ImportedRecord {
  int64_t line = 0;       // where the record starts
  size_t end_offset = 0;  // byte offset just after the record (for progress)
  std::string subject;
  std::string body;
  std::string sender_name;
  std::string sender_email;
  std::optional<int64_t> received_at_ms;
  std::string reply;  // empty when none was sent
  std::optional<int64_t> replied_at_ms;
  std::string reply_agent;  // empty: "import"
  std::string message_id;   // mbox only: the RFC 5322 Message-ID
};

struct RowError {
  int64_t line = 0;
  size_t end_offset = 0;
  std::string reason;  // French, for the operator
};

struct RecordVisitor {
  // Returning a non-OK status stops the parse (used for fatal store errors).
  std::function<Status(ImportedRecord)> on_record;
  std::function<void(RowError)> on_error;
};

// Each parser calls the visitor once per record or bad record, in file order. They fail as a
// whole only on a file they cannot read at all: kInvalidArgument for a CSV without a "body"
// column or an empty file; or with the status a visitor returned.
Status ParseCsvRecords(std::string_view data, const RecordVisitor& visitor);
Status ParseJsonlRecords(std::string_view data, const RecordVisitor& visitor);
Status ParseMboxRecords(std::string_view data, const RecordVisitor& visitor);

// Parses a date as documented above; nullopt when invalid.
std::optional<int64_t> ParseTimestamp(std::string_view text);

struct ImportReport {
  int64_t imported = 0;          // messages created
  int64_t with_reply = 0;        // of which with a recorded reply
  int64_t rejected = 0;          // bad records skipped
  std::vector<RowError> errors;  // the first kMaxReportedErrors bad records
  static constexpr size_t kMaxReportedErrors = 1000;
};

// Writes records to a Store: Store::CreateMessage (channel kImport) and, when a reply is present,
// Store::RecordDecision(kWrittenWithoutAi, agent reply_agent or "import", final_text = reply),
// which marks the message answered.
class Importer {
 public:
  // `store` and `clock` must outlive the importer.
  Importer(Store* store, const Clock* clock) : store_(store), clock_(clock) {}

  // Imports `data` for `service` (non-empty). Progress reports bytes consumed. Errors: those of
  // the parsers; a store failure other than kInvalidArgument stops the import and is returned
  // (records before it stay imported).
  Result<ImportReport> Import(ImportFormat format, std::string_view data,
                              const std::string& service, Progress* progress);
  // Routes each imported message (intent and queue, issue #6) before it is stored; borrowed, may
  // be null (messages then stay unrouted). A routing failure stops the import like a store one.
  void set_router(const MessageRouter* router) { router_ = router; }

 private:
  Store* store_;
  const Clock* clock_;
  const MessageRouter* router_ = nullptr;
};

}  // namespace plume::channels
