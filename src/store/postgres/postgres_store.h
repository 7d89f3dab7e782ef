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
#include <string_view>
#include <vector>

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
  // Waits on a dedicated connection that LISTENs on channel plume_kb (NOTIFY is sent by the
  // transaction that bumps the version, so it is heard from any process once committed).
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
  class Pool;
  class Listener;
  explicit PostgresStore(std::unique_ptr<Pool> pool);
  // The rows of `table` whose message_id is in `ids` (at most 1000), by message then id, each
  // made by `from_row` (rows, index -> Result<T>); `statement` names the prepared statement.
  // Defined in the .cc, its only user.
  template <typename T, typename FromRow>
  Result<std::vector<T>> ListOfMessages(const char* statement, std::string_view table,
                                        std::string_view columns, const std::vector<int64_t>& ids,
                                        FromRow from_row);
  Status Migrate();

  std::unique_ptr<Pool> pool_;
  std::unique_ptr<Listener> listener_;  // WaitForKnowledgeChange's connection
};

}  // namespace plume
