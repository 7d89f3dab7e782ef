// SqliteStore: the embedded, default Store (one SQLite file, WAL journal, foreign keys on).
//
// Migrations are numbered and applied in order, each in its own transaction, when the store is
// opened; the applied versions are recorded in schema_migrations. Only bound parameters are used.
//
// Thread-safety: all methods may be called concurrently. Writes (and reads inside write
// transactions) go through one connection behind a mutex (SQLite serialises writers anyway);
// plain reads borrow one of a small pool of read-only connections, so they run in parallel with
// each other and with the writer (WAL). A read sees every write that returned before it began.
// A ":memory:" store has no pool: its reads use the writer connection. Each connection keeps its
// prepared statements for reuse (a connection is used by one thread at a time, so its cache needs
// no lock).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "plume/store.h"

struct sqlite3;

namespace plume {

class StatementCache;

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
  // Wakes up on changes made through this object; changes by other processes (another
  // SqliteStore on the same file) are seen when the timeout expires (callers poll).
  Result<int64_t> WaitForKnowledgeChange(int64_t known_version, int64_t timeout_ms) override;

  Result<int64_t> CreateMessage(const Message& message) override;
  Result<Message> GetMessage(int64_t id) override;
  Result<std::vector<Message>> ListMessages(const MessageFilter& filter) override;
  Status UpdateMessageStatus(int64_t id, MessageStatus status) override;
  Status AssignMessage(int64_t id, const std::string& agent) override;

  Result<int64_t> CreateDraft(const Draft& draft) override;
  Result<Draft> GetDraft(int64_t id) override;
  Result<std::vector<Draft>> ListDrafts(int64_t message_id) override;
  Result<std::vector<Draft>> ListDraftsOfMessages(const std::vector<int64_t>& ids) override;
  Result<std::vector<Decision>> ListDecisionsOfMessages(const std::vector<int64_t>& ids) override;
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
  Result<Decision> GetDecision(int64_t id) override;
  Result<int64_t> CreateReplyTemplate(const StoredReplyTemplate& tmpl) override;
  Result<StoredReplyTemplate> GetReplyTemplate(int64_t id) override;
  Result<std::vector<StoredReplyTemplate>> ListReplyTemplates(
      const ReplyTemplateFilter& filter) override;
  Result<StoredReplyTemplate> ReviewReplyTemplate(int64_t id,
                                                  const ReplyTemplateReview& review) override;
  Result<int64_t> ReplyTemplateVersion() override;

  Result<RoutingRuleSet> GetRoutingRules() override;
  Status ReplaceRoutingRules(const RoutingRuleSet& rules, const AuditEntry& audit) override;
  Result<int64_t> RecordIntentCorrection(const IntentCorrectionRecord& correction,
                                         const std::string& queue,
                                         const AuditEntry& audit) override;
  Result<std::vector<IntentCorrectionRecord>> ListIntentCorrections(int64_t after_id,
                                                                    int limit) override;
  Status SaveIntentModel(const StoredIntentModel& model) override;
  Status ActivateIntentModel(int64_t version) override;
  Result<StoredIntentModel> GetActiveIntentModel() override;
  Result<int64_t> RoutingVersion() override;
  Result<int64_t> ActiveIntentModelVersion() override;
  Result<int64_t> ImportIntentCorrections(
      const std::vector<ImportedIntentCorrection>& corrections) override;

  Status SaveEmailEnvelope(const EmailEnvelope& envelope,
                           const std::vector<EmailAttachment>& attachments) override;
  Result<EmailEnvelope> GetEmailEnvelope(int64_t message_id) override;
  Result<std::optional<int64_t>> FindMessageByRfcMessageId(
      const std::string& service, const std::string& rfc_message_id) override;
  Result<std::vector<EmailAttachment>> ListEmailAttachments(int64_t message_id) override;
  Result<EmailAttachment> GetEmailAttachment(int64_t id) override;
  Result<int64_t> EnqueueMail(const MailOutboxEntry& entry) override;
  Result<std::vector<MailOutboxEntry>> ListMailOutbox(const MailOutboxFilter& filter) override;
  Result<MailOutboxEntry> GetMailOutboxEntry(int64_t id) override;
  Result<std::vector<MailOutboxEntry>> ClaimMailOutbox(const std::string& claimer, int64_t now_ms,
                                                       int64_t lease_ms, int limit) override;
  Status MarkMailSent(int64_t id, int64_t now_ms) override;
  Status MarkMailAttemptFailed(int64_t id, int attempts, int64_t next_attempt_ms,
                               const std::string& error, bool give_up) override;
  Status RetryMail(int64_t id, int64_t now_ms) override;

 private:
  // A connection for one read: a pooled read-only connection, or the writer (under mu_) when the
  // store has no pool. Returned to the pool on destruction.
  class ReadConnection {
   public:
    ReadConnection(SqliteStore* store, sqlite3* db, StatementCache* statements,
                   std::unique_lock<std::mutex> writer_lock)
        : store_(store), db_(db), statements_(statements), writer_lock_(std::move(writer_lock)) {}
    ReadConnection(const ReadConnection&) = delete;
    ReadConnection& operator=(const ReadConnection&) = delete;
    ~ReadConnection();
    sqlite3* db() const { return db_; }
    StatementCache* statements() const { return statements_; }

   private:
    SqliteStore* store_;
    sqlite3* db_;
    StatementCache* statements_;                // the cache of db_; not owned
    std::unique_lock<std::mutex> writer_lock_;  // owned only when db_ is the writer
  };

  // A pooled read-only connection and its statements.
  struct Reader {
    sqlite3* db;                                 // owned; closed in the destructor
    std::unique_ptr<StatementCache> statements;  // finalized before db is closed
  };

  explicit SqliteStore(sqlite3* db);
  ReadConnection AcquireReader();
  // The rows of `table` whose message_id is in `ids` (at most 1000), by message then id, each
  // made by `from_row` (a Stmt on the row -> Result<T>). Defined in the .cc, its only user.
  template <typename T, typename FromRow>
  Result<std::vector<T>> ListOfMessages(std::string_view table, std::string_view columns,
                                        const std::vector<int64_t>& ids, FromRow from_row);
  Status Migrate();
  Status BumpKnowledgeVersionLocked();
  void NotifyKnowledgeChanged();

  // Knowledge changes made through this object, for WaitForKnowledgeChange.
  std::mutex kb_mu_;
  std::condition_variable kb_cv_;
  uint64_t kb_changes_ = 0;  // guarded by kb_mu_

  std::mutex mu_;
  sqlite3* db_;                                        // owned; closed in the destructor
  std::unique_ptr<StatementCache> writer_statements_;  // db_'s statements; used under mu_

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<Reader> readers_;
  std::vector<Reader*> free_readers_;  // elements of readers_ not lent out
};

}  // namespace plume
