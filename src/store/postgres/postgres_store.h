// PostgresStore: the Store on a PostgreSQL (15+) server, for installations shared by several
// Plume processes or hosts.
//
// Same logical schema and behaviour as SqliteStore (the contract test suite runs both): versioned
// migrations recorded in schema_migrations and applied when the store is opened (under an
// advisory lock, so concurrent openers do not race), BIGINT millisecond timestamps, JSON columns
// stored as TEXT byte for byte. Only prepared statements with bound parameters are used.
//
// Text differences with SQLite, both reported as kInvalidArgument and never stored altered: a
// text value containing a NUL byte, and text that is not valid UTF-8 (the database is UTF-8).
//
// Connections: a pool of at most Options::max_connections, opened lazily and reused; a broken
// connection is dropped and replaced on next use. A call that finds every connection busy waits
// up to Options::acquire_timeout, then fails with kUnavailable.
//
// Thread-safety: all methods may be called concurrently. ForEachDocument holds no connection
// while `fn` runs (it reads pages of documents), so `fn` may call the store.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "plume/store.h"

namespace plume {

class PostgresStore final : public Store {
 public:
  struct Options {
    int max_connections = 8;  // >= 1
    std::chrono::milliseconds acquire_timeout{10000};
  };

  // Connects to `conninfo` (a libpq URL "postgresql://user@host:port/db?..." or "key=value"
  // string) and applies pending migrations in the connection's schema (the first of its
  // search_path). Errors: kInvalidArgument for a malformed conninfo, kUnavailable when the server
  // cannot be reached, kFailedPrecondition when the schema is newer than this build knows.
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo);
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo,
                                                     const Options& options);
  ~PostgresStore() override;

  // Latest migration version known to this build (the same numbering as SqliteStore).
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
  class Pool;
  explicit PostgresStore(std::unique_ptr<Pool> pool);
  Status Migrate();

  std::unique_ptr<Pool> pool_;
};

}  // namespace plume
