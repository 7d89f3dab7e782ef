// Store: durable state of a Plume installation, independent of the database engine.
//
// Implementations: SqliteStore (src/store/sqlite, default, embedded) and, later, a PostgreSQL
// store behind this same interface. No engine type appears here.
//
// Logical schema (applied by versioned migrations when a store is opened):
//   documents(id PK, fiche_id, source, kind, type, audience, title, description, url, subject,
//             breadcrumb JSON, introduction, sections JSON, links JSON, source_date,
//             content_hash, status 'active'|'withdrawn', ingested_at, updated_at)
//   messages(id PK, service, channel, sender_name, sender_email, subject, body, received_at,
//            status, assigned_agent, intent)
//   drafts(id PK, message_id FK, engine, engine_version, prompt_version, text, sources JSON,
//          warnings JSON, created_at, latency_ms)
//   decisions(id PK, message_id FK, draft_id FK NULL, agent, kind, final_text, edit_distance,
//             decided_at)
//   kb_state(key PK, value): knowledge-base version counter, bumped by every change.
// Timestamps are integer milliseconds since the Unix epoch, UTC.
//
// Thread-safety: all methods are safe to call concurrently from several threads.
// Errors: kNotFound for unknown ids, kInvalidArgument for values the schema rejects,
// kUnavailable / kInternal / kDataLoss for database failures.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "plume/knowledge.h"
#include "plume/message.h"
#include "plume/status.h"

namespace plume {

struct DocumentDigest {
  std::string id;
  std::string content_hash;
  DocumentStatus status = DocumentStatus::kActive;
};

struct UpsertStats {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Knowledge documents ---------------------------------------------------------------------
  // Inserts or updates documents in one transaction, comparing content_hash: a document whose
  // hash is unchanged is not rewritten (its ingested_at is kept). A withdrawn document seen again
  // is reactivated. Bumps the knowledge-base version when anything changed.
  virtual Result<UpsertStats> UpsertDocuments(const std::vector<KnowledgeDocument>& docs,
                                              int64_t now_ms) = 0;
  // Marks the given documents withdrawn (kept, not deleted). Returns how many changed state.
  virtual Result<int64_t> MarkWithdrawn(const std::vector<std::string>& ids, int64_t now_ms) = 0;
  virtual Result<KnowledgeDocument> GetDocument(const std::string& id) = 0;
  // Ids, hashes and status of every document of `source` ("vdd", "travail"); all when empty.
  virtual Result<std::vector<DocumentDigest>> ListDocumentDigests(const std::string& source) = 0;
  // Calls `fn` for each document (active ones only unless include_withdrawn), ordered by id.
  // Stops early and returns the first non-OK status returned by `fn`.
  virtual Status ForEachDocument(bool include_withdrawn,
                                 const std::function<Status(const KnowledgeDocument&)>& fn) = 0;
  virtual Result<int64_t> CountDocuments(bool include_withdrawn) = 0;
  // Monotonic counter bumped by every change to the knowledge base.
  virtual Result<int64_t> KnowledgeVersion() = 0;

  // Messages ---------------------------------------------------------------------------------
  // Stores a new message and returns its id. Requires non-empty service and body.
  virtual Result<int64_t> CreateMessage(const Message& message) = 0;
  virtual Result<Message> GetMessage(int64_t id) = 0;
  virtual Result<std::vector<Message>> ListMessages(const MessageFilter& filter) = 0;
  virtual Status UpdateMessageStatus(int64_t id, MessageStatus status) = 0;
  virtual Status AssignMessage(int64_t id, const std::string& agent) = 0;

  // Drafts and decisions ----------------------------------------------------------------------
  // Every draft is kept. Requires an existing message.
  virtual Result<int64_t> CreateDraft(const Draft& draft) = 0;
  virtual Result<Draft> GetDraft(int64_t id) = 0;
  virtual Result<std::vector<Draft>> ListDrafts(int64_t message_id) = 0;
  // Records the agent's decision; for kAccepted / kEdited / kWrittenWithoutAi also marks the
  // message answered, in the same transaction. A draft_id must belong to message_id.
  virtual Result<int64_t> RecordDecision(const Decision& decision) = 0;
  virtual Result<std::vector<Decision>> ListDecisions(int64_t message_id) = 0;
};

}  // namespace plume
