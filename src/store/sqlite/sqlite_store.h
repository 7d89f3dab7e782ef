// SqliteStore: the embedded, default Store (one SQLite file, WAL journal, foreign keys on).
//
// Migrations are numbered and applied in order, each in its own transaction, when the store is
// opened; the applied versions are recorded in schema_migrations. Only bound parameters are used.
//
// Thread-safety: all methods may be called concurrently; one connection is shared behind a mutex
// (SQLite serialises writers anyway). Readers in other processes see committed data (WAL).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "plume/store.h"

struct sqlite3;

namespace plume {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` (":memory:" for a private in-memory store) and
  // applies pending migrations. Errors: kUnavailable when the file cannot be opened,
  // kDataLoss when it is not a database, kFailedPrecondition when its schema is newer than this
  // build knows.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;

  // Latest migration version known to this build.
  static int LatestSchemaVersion();
  Result<int> SchemaVersion();

  Result<UpsertStats> UpsertDocuments(const std::vector<KnowledgeDocument>& docs,
                                      int64_t now_ms) override;
  Result<int64_t> MarkWithdrawn(const std::vector<std::string>& ids, int64_t now_ms) override;
  Result<KnowledgeDocument> GetDocument(const std::string& id) override;
  Result<std::vector<DocumentDigest>> ListDocumentDigests(const std::string& source) override;
  Status ForEachDocument(bool include_withdrawn,
                         const std::function<Status(const KnowledgeDocument&)>& fn) override;
  Result<int64_t> CountDocuments(bool include_withdrawn) override;
  Result<int64_t> KnowledgeVersion() override;

  Result<int64_t> CreateMessage(const Message& message) override;
  Result<Message> GetMessage(int64_t id) override;
  Result<std::vector<Message>> ListMessages(const MessageFilter& filter) override;
  Status UpdateMessageStatus(int64_t id, MessageStatus status) override;
  Status AssignMessage(int64_t id, const std::string& agent) override;

  Result<int64_t> CreateDraft(const Draft& draft) override;
  Result<Draft> GetDraft(int64_t id) override;
  Result<std::vector<Draft>> ListDrafts(int64_t message_id) override;
  Result<int64_t> RecordDecision(const Decision& decision) override;
  Result<std::vector<Decision>> ListDecisions(int64_t message_id) override;

  Result<MessageCounts> CountMessagesByStatus(const std::string& service) override;
  Result<Message> AssignMessageToLogin(int64_t id, const std::string& login) override;
  Result<int64_t> RecordDecisionWithAudit(const Decision& decision,
                                          const AuditEntry& audit) override;

  Result<int64_t> CreateAgent(const Agent& agent) override;
  Result<Agent> GetAgent(int64_t id) override;
  Result<Agent> GetAgentByLogin(const std::string& login) override;
  Status CreateSession(const Session& session) override;
  Result<Session> GetSession(const std::string& token_hash) override;
  Status DeleteSession(const std::string& token_hash) override;
  Result<int64_t> DeleteExpiredSessions(int64_t now_ms) override;
  Result<int64_t> CreateApiToken(const ApiToken& token) override;
  Result<ApiToken> GetApiTokenByHash(const std::string& token_hash) override;
  Result<int64_t> AppendAudit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(const AuditFilter& filter) override;
  Status CreateSatisfactionLink(const SatisfactionLink& link) override;
  Result<SatisfactionLink> GetSatisfactionLink(const std::string& token_hash) override;
  Status SaveSatisfactionRating(const std::string& token_hash,
                                const SatisfactionRating& rating) override;
  Result<std::vector<SatisfactionRating>> ListSatisfactionRatings(
      const OutcomeRecordFilter& filter) override;
  Result<int64_t> SaveDraftFeedback(const DraftFeedback& feedback) override;
  Result<std::vector<DraftFeedback>> ListDraftFeedback(const OutcomeRecordFilter& filter) override;

 private:
  explicit SqliteStore(sqlite3* db);
  Status Migrate();
  Status BumpKnowledgeVersionLocked();

  std::mutex mu_;
  sqlite3* db_;  // owned; closed in the destructor
};

}  // namespace plume
