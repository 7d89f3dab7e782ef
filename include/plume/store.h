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
//            status, assigned_agent, intent, queue)
//   drafts(id PK, message_id FK, engine, engine_version, prompt_version, text, sources JSON,
//          warnings JSON, created_at, latency_ms)
//   decisions(id PK, message_id FK, draft_id FK NULL, agent, kind, final_text, edit_distance,
//             decided_at)
//   kb_state(key PK, value): knowledge-base version counter, bumped by every change.
//   agents(id PK, login UNIQUE, display_name, role, service, password_hash, created_at)
//   sessions(token_hash PK, agent_id FK, created_at, expires_at)
//   api_tokens(id PK, token_hash UNIQUE, service, label, created_at, revoked)
//   audit(id PK, at, service, agent, action, message_id, draft_id, engine, prompt_version,
//         sources JSON, decision, final_text, detail)   -- append only
//   satisfaction(token_hash PK, decision_id UNIQUE FK, message_id FK, created_at, expires_at,
//                score NULL, useful NULL, comment, rated_at NULL, updated_at NULL)
//   draft_feedback(id PK, draft_id FK, message_id FK, agent, thumbs_up, reasons CSV, comment,
//                  created_at, UNIQUE(draft_id, agent))
//   reply_templates(id PK, service, title, body, intent, document_ids JSON, status, proposed_by,
//                   proposed_at, reviewed_by, reviewed_at NULL, decision_id UNIQUE FK NULL);
//                   kb_state 'reply_templates' counts their changes.
//   email_envelopes(message_id PK FK, rfc_message_id, in_reply_to, refs, thread_parent_id FK NULL)
//   email_attachments(id PK, message_id FK, filename, content_type, size, sha256, dropped, bytes)
//   mail_outbox(id PK, message_id FK, decision_id FK NULL, rfc_message_id, envelope_from,
//               recipients, raw, state, attempts, next_attempt_at, last_error, created_at, sent_at,
//               claimed_by, lease_until)
//   routing_services(service PK, default_queue, qualification_queue, min_confidence_permille NULL),
//   routing_rules(service, intent, queue, PK(service, intent)): service '' = every service
//   intent_corrections(id PK, message_id FK, text (pseudonymised), label, predicted, agent,
//                      created_at)
//   intent_models(version PK, manifest JSON, model_hash, model BLOB, created_at, active 0|1)
// Timestamps are integer milliseconds since the Unix epoch, UTC.
//
// Thread-safety: all methods are safe to call concurrently from several threads.
// Errors: kNotFound for unknown ids, kInvalidArgument for values the schema rejects,
// kUnavailable / kInternal / kDataLoss for database failures.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plume/knowledge.h"
#include "plume/message.h"
#include "plume/outcomes.h"
#include "plume/status.h"

namespace plume {

struct DocumentDigest {
  std::string id;
  std::string content_hash;
  DocumentStatus status = DocumentStatus::kActive;
};

// Accounts, sessions, API tokens and audit -------------------------------------------------------

enum class AgentRole { kAgent, kSupervisor, kAdmin };

inline std::string_view ToString(AgentRole r) {
  switch (r) {
    case AgentRole::kAgent:
      return "agent";
    case AgentRole::kSupervisor:
      return "supervisor";
    case AgentRole::kAdmin:
      return "admin";
  }
  return "unknown";
}
// Returns false when `text` names no role.
inline bool ParseAgentRole(std::string_view text, AgentRole* out) {
  for (AgentRole r : {AgentRole::kAgent, AgentRole::kSupervisor, AgentRole::kAdmin}) {
    if (ToString(r) == text) {
      *out = r;
      return true;
    }
  }
  return false;
}

// A person who logs in. `service` is the tenant whose messages the agent sees (admins see all).
struct Agent {
  int64_t id = 0;  // assigned by the store
  std::string login;
  std::string display_name;
  AgentRole role = AgentRole::kAgent;
  std::string service;
  std::string password_hash;  // argon2id encoded string; never the password
  int64_t created_at_ms = 0;
};

// A login session. Only the hash of the session token is stored.
struct Session {
  std::string token_hash;
  int64_t agent_id = 0;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

// An integration token scoped to one service. Only the hash of the token is stored.
struct ApiToken {
  int64_t id = 0;  // assigned by the store
  std::string token_hash;
  std::string service;
  std::string label;
  int64_t created_at_ms = 0;
  bool revoked = false;
};

// One line of the append-only audit trail. Empty strings / empty optionals when not relevant.
struct AuditEntry {
  int64_t id = 0;  // assigned by the store
  int64_t at_ms = 0;
  std::string service;  // tenant the action concerns; empty for unknown-login failures
  std::string agent;    // login of the acting agent (or the attempted login)
  std::string action;   // "reply_sent", "draft_discarded", "draft_created", "login", ...
  std::optional<int64_t> message_id;
  std::optional<int64_t> draft_id;
  std::string engine;
  std::string prompt_version;
  std::vector<std::string> sources;  // document ids the draft cited
  std::string decision;              // DecisionKind name for decisions
  std::string final_text;            // the reply actually sent
  std::string detail;                // free text (e.g. "rate_limited")
};

struct AuditFilter {
  std::optional<std::string> service;
  std::optional<int64_t> message_id;
  int64_t after_id = 0;  // keyset pagination: only ids greater than this
  int limit = 50;        // 1..1000
};

// Number of messages of one service in each status.
struct MessageCounts {
  int64_t new_messages = 0;
  int64_t in_progress = 0;
  int64_t answered = 0;
  int64_t closed = 0;
};

// The unguessable link a citizen receives with a reply, to rate it. Only the token's hash is
// stored.
struct SatisfactionLink {
  std::string token_hash;
  int64_t decision_id = 0;  // the sending decision rated
  int64_t message_id = 0;
  std::string service;  // read only: the message's service
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;                 // no first rating at or after this instant
  std::optional<SatisfactionRating> rating;  // read only: set once the citizen has rated
};

struct OutcomeRecordFilter {
  std::string service;  // empty: all services
  int64_t from_ms = 0;  // inclusive
  int64_t to_ms = 0;    // exclusive
};

// Réponses types proposed from sent replies and reviewed by supervisors (issue #3). -----------

enum class ReplyTemplateStatus { kCandidate, kApproved, kRejected };

inline std::string_view ToString(ReplyTemplateStatus s) {
  switch (s) {
    case ReplyTemplateStatus::kCandidate:
      return "candidate";
    case ReplyTemplateStatus::kApproved:
      return "approved";
    case ReplyTemplateStatus::kRejected:
      return "rejected";
  }
  return "unknown";
}
// Returns false when `text` names no status.
inline bool ParseReplyTemplateStatus(std::string_view text, ReplyTemplateStatus* out) {
  for (ReplyTemplateStatus s : {ReplyTemplateStatus::kCandidate, ReplyTemplateStatus::kApproved,
                                ReplyTemplateStatus::kRejected}) {
    if (ToString(s) == text) {
      *out = s;
      return true;
    }
  }
  return false;
}

// A reply template of one service, stored (the file templates of resources/ are not here).
struct StoredReplyTemplate {
  int64_t id = 0;  // assigned by the store
  std::string service;
  std::string title;
  std::string body;    // mustache source (the reply's body, without greeting and closing)
  std::string intent;  // Message::intent it answers; empty: any
  std::vector<std::string> document_ids;  // the fiches the reply relied on (its draft's sources)
  ReplyTemplateStatus status = ReplyTemplateStatus::kCandidate;
  std::string proposed_by;  // agent login
  int64_t proposed_at_ms = 0;
  std::string reviewed_by;  // empty until reviewed
  std::optional<int64_t> reviewed_at_ms;
  std::optional<int64_t> source_decision_id;  // the sent reply it was made from
};

struct ReplyTemplateFilter {
  std::string service;  // empty: all services
  std::optional<ReplyTemplateStatus> status;
  int64_t after_id = 0;  // keyset pagination: only ids greater than this
  int limit = 100;       // 1..1000
};

// A supervisor's decision on a template; `body` / `title` replace the stored ones when set.
struct ReplyTemplateReview {
  ReplyTemplateStatus status = ReplyTemplateStatus::kApproved;  // kApproved or kRejected
  std::string reviewer;
  int64_t at_ms = 0;
  std::optional<std::string> body;
  std::optional<std::string> title;
};

// Intent routing (issue #6) ----------------------------------------------------------------------

// One routing rule: messages of `service` predicted `intent` go to `queue`. service "" is the
// rule shared by every service (a service's own rule wins).
struct RoutingRule {
  std::string service;  // "" for every service
  std::string intent;   // taxonomy id or "a-qualifier"; non-empty
  std::string queue;    // non-empty
};

// Fallback queues of a service (service "" for every service); "" inherits the shared value.
struct ServiceQueues {
  std::string service;
  std::string default_queue;        // queue when no rule matches
  std::string qualification_queue;  // queue of messages "À qualifier"
  // 0..1000 (per mille): replaces the model's threshold for this service.
  std::optional<int> min_confidence_permille;
};

// Every routing rule of the installation, edited by admins.
struct RoutingRuleSet {
  std::vector<ServiceQueues> services;  // ordered by service, at most one per service
  std::vector<RoutingRule> rules;       // ordered by (service, intent), unique pairs
};

// An agent's correction of a predicted intent, kept as a training example.
struct IntentCorrectionRecord {
  int64_t id = 0;  // assigned by the store
  int64_t message_id = 0;
  std::string service;  // read only: the message's service
  std::string text;     // pseudonymised subject + body; non-empty
  std::string label;    // corrected intent; non-empty
  std::string predicted;
  std::string agent;  // login; non-empty
  int64_t created_at_ms = 0;
};

// A correction from an old corrections.jsonl file (no message), under a key naming its line.
struct ImportedIntentCorrection {
  std::string key;                    // non-empty; the same line always gives the same key
  IntentCorrectionRecord correction;  // message_id and service ignored
};

// A trained intent model shared by every node of the installation.
struct StoredIntentModel {
  int64_t version = 0;   // > 0, the registry's version
  std::string manifest;  // ModelManifest JSON
  std::string model_hash;
  std::string model;  // model file bytes; empty in listings
  int64_t created_at_ms = 0;
  bool active = false;  // read only
};

struct UpsertStats {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
};

// E-mail channel (issue #7): envelopes of e-mail messages, their attachments, the outbox ------

// Largest attachment the store keeps (the MIME parser's default cap on all attachments).
inline constexpr size_t kMaxEmailAttachmentBytes = 25u << 20;

// Threading ids of an e-mail message. RFC ids are stored without angle brackets.
struct EmailEnvelope {
  int64_t message_id = 0;                   // the Plume message carrying the e-mail
  std::string service;                      // read only: the message's service
  std::string rfc_message_id;               // may be empty (no Message-ID header)
  std::string in_reply_to;                  // may be empty
  std::vector<std::string> references;      // oldest first; no empty value, no line break
  std::optional<int64_t> thread_parent_id;  // the earlier Plume message it continues
};

// A file attached to an e-mail message. `data` is filled only by GetEmailAttachment.
struct EmailAttachment {
  int64_t id = 0;  // assigned by the store
  int64_t message_id = 0;
  std::string filename;      // as declared by the sender (sanitised by the parser)
  std::string content_type;  // "application/pdf"
  int64_t size = 0;          // decoded size, also when dropped
  std::string sha256;        // hex digest of data; empty when dropped
  bool dropped = false;      // over the parser's size cap: listed, bytes not kept
  std::string data;          // at most kMaxEmailAttachmentBytes
};

enum class MailOutboxState { kPending, kSent, kFailed };

inline std::string_view ToString(MailOutboxState s) {
  switch (s) {
    case MailOutboxState::kPending:
      return "pending";
    case MailOutboxState::kSent:
      return "sent";
    case MailOutboxState::kFailed:
      return "failed";
  }
  return "unknown";
}
// Returns false when `text` names no state.
inline bool ParseMailOutboxState(std::string_view text, MailOutboxState* out) {
  for (MailOutboxState s :
       {MailOutboxState::kPending, MailOutboxState::kSent, MailOutboxState::kFailed}) {
    if (ToString(s) == text) {
      *out = s;
      return true;
    }
  }
  return false;
}

// An e-mail waiting to be sent by SMTP (a reply to a message), with its retry state.
struct MailOutboxEntry {
  int64_t id = 0;  // assigned by the store
  int64_t message_id = 0;
  std::string service;                 // read only: the message's service
  std::optional<int64_t> decision_id;  // the agent's sending decision, when known
  std::string rfc_message_id;          // Message-ID of the built e-mail, without brackets
  std::string envelope_from;
  std::vector<std::string> recipients;  // at least one; no empty value, no line break
  std::string raw;                      // the whole e-mail, CRLF line endings
  MailOutboxState state = MailOutboxState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string last_error;
  int64_t created_ms = 0;
  int64_t sent_ms = 0;  // 0 until sent
};

struct MailOutboxFilter {
  std::string service;  // empty: all services
  std::optional<MailOutboxState> state;
  std::optional<int64_t> message_id;
  std::optional<int64_t> due_at_ms;  // only entries with next_attempt_ms <= this
  int64_t after_id = 0;              // keyset pagination: only ids greater than this
  int limit = 50;                    // 1..1000
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
  // Blocks until the knowledge version differs from `known_version` or `timeout_ms` has passed,
  // and returns the current version (== known_version on timeout). PostgresStore wakes up on a
  // NOTIFY sent by the committing transaction of any process; SqliteStore on changes made through
  // the same object, other processes' changes being read when the timeout expires. Meant for one
  // waiting thread per store (concurrent callers are served one after the other).
  virtual Result<int64_t> WaitForKnowledgeChange(int64_t known_version, int64_t timeout_ms) = 0;

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
  // kFailedPrecondition for a sending decision on a message already answered or closed (checked
  // inside the transaction: of two concurrent replies, exactly one is recorded).
  virtual Result<int64_t> RecordDecision(const Decision& decision) = 0;
  virtual Result<std::vector<Decision>> ListDecisions(int64_t message_id) = 0;
  // Drafts / decisions of several messages at once (reports read thousands of messages), ordered
  // by (message_id, id); unknown ids contribute nothing. kInvalidArgument for more than 1000 ids.
  virtual Result<std::vector<Draft>> ListDraftsOfMessages(
      const std::vector<int64_t>& message_ids) = 0;
  virtual Result<std::vector<Decision>> ListDecisionsOfMessages(
      const std::vector<int64_t>& message_ids) = 0;

  // Workflow ----------------------------------------------------------------------------------
  // Counts of the service's messages by status; all services when `service` is empty.
  virtual Result<MessageCounts> CountMessagesByStatus(const std::string& service) = 0;
  // Assigns message `id` to the agent with `login`, who must belong to the message's service
  // (kNotFound otherwise, like an unknown login or message); a kNew message becomes kInProgress.
  // Returns the updated message.
  virtual Result<Message> AssignMessageToLogin(int64_t id, const std::string& login) = 0;
  // RecordDecision and AppendAudit in one transaction: both are written or neither. The audit
  // entry's message_id / draft_id / decision are taken from `decision`. Returns the decision id.
  virtual Result<int64_t> RecordDecisionWithAudit(const Decision& decision,
                                                  const AuditEntry& audit) = 0;

  // Accounts ------------------------------------------------------------------------------------
  // Requires non-empty login, service and password_hash. kAlreadyExists when the login is taken.
  virtual Result<int64_t> CreateAgent(const Agent& agent) = 0;
  virtual Result<Agent> GetAgent(int64_t id) = 0;
  virtual Result<Agent> GetAgentByLogin(const std::string& login) = 0;

  // Sessions and API tokens (looked up by token hash; kNotFound when unknown) ------------------
  virtual Status CreateSession(const Session& session) = 0;
  virtual Result<Session> GetSession(const std::string& token_hash) = 0;
  // Deleting an unknown session is not an error.
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // Removes sessions whose expires_at_ms <= now_ms; returns how many.
  virtual Result<int64_t> DeleteExpiredSessions(int64_t now_ms) = 0;
  virtual Result<int64_t> CreateApiToken(const ApiToken& token) = 0;
  virtual Result<ApiToken> GetApiTokenByHash(const std::string& token_hash) = 0;

  // Audit (append only) ---------------------------------------------------------------------
  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;
  // Entries ordered by id.
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditFilter& filter) = 0;

  // Outcomes: citizens' satisfaction and agents' feedback on drafts (issue #5) ------------------
  // Stores the rating link of a sent reply. Requires a sending decision (accepted, edited,
  // written_without_ai) of link.message_id (kInvalidArgument otherwise, kNotFound when the
  // decision is unknown); kAlreadyExists when that decision, or that token hash, already has one.
  virtual Status CreateSatisfactionLink(const SatisfactionLink& link) = 0;
  // The link (with its message's service and its rating, if any); kNotFound when unknown.
  virtual Result<SatisfactionLink> GetSatisfactionLink(const std::string& token_hash) = 0;
  // Sets (first time) or replaces the rating of the link's reply; time windows are the caller's
  // business. rating.decision_id / message_id are ignored (taken from the link). Requires
  // 1 <= score <= 5. kNotFound when the token hash is unknown.
  virtual Status SaveSatisfactionRating(const std::string& token_hash,
                                        const SatisfactionRating& rating) = 0;
  // Ratings of the replies decided in [from_ms, to_ms) of `service` (all when empty).
  virtual Result<std::vector<SatisfactionRating>> ListSatisfactionRatings(
      const OutcomeRecordFilter& filter) = 0;
  // Records an agent's thumbs up/down on a draft; one per (draft, agent): a second call replaces
  // the first (same id). feedback.message_id is taken from the draft. kNotFound for an unknown
  // draft; kInvalidArgument for an empty agent. Returns the feedback id.
  virtual Result<int64_t> SaveDraftFeedback(const DraftFeedback& feedback) = 0;
  // Feedback created in [from_ms, to_ms) on drafts of `service` (all when empty), ordered by id.
  virtual Result<std::vector<DraftFeedback>> ListDraftFeedback(
      const OutcomeRecordFilter& filter) = 0;

  // Reply templates from sent replies (issue #3) ----------------------------------------------
  // The decision with this id; kNotFound when unknown.
  virtual Result<Decision> GetDecision(int64_t id) = 0;
  // Stores a template as given (status included) and returns its id. Requires non-empty service,
  // body and proposed_by (kInvalidArgument); kNotFound for an unknown source decision,
  // kAlreadyExists when that decision already has a template. Bumps ReplyTemplateVersion.
  virtual Result<int64_t> CreateReplyTemplate(const StoredReplyTemplate& tmpl) = 0;
  // kNotFound when unknown.
  virtual Result<StoredReplyTemplate> GetReplyTemplate(int64_t id) = 0;
  // Templates matching the filter, ordered by id. kInvalidArgument for a limit outside 1..1000.
  virtual Result<std::vector<StoredReplyTemplate>> ListReplyTemplates(
      const ReplyTemplateFilter& filter) = 0;
  // Approves or rejects template `id` (any current status), recording reviewer and time, and
  // replaces its body / title when the review gives them. kInvalidArgument for a kCandidate
  // review, an empty reviewer or an empty body; kNotFound when unknown. Returns the updated
  // template. Bumps ReplyTemplateVersion.
  virtual Result<StoredReplyTemplate> ReviewReplyTemplate(int64_t id,
                                                          const ReplyTemplateReview& review) = 0;
  // Monotonic counter bumped by every change to the reply templates (0 before the first), kept
  // apart from KnowledgeVersion so that a template change does not rebuild the search index.
  virtual Result<int64_t> ReplyTemplateVersion() = 0;

  // Intent routing (issue #6) --------------------------------------------------------------------
  // Every routing rule (empty lists when none was saved).
  virtual Result<RoutingRuleSet> GetRoutingRules() = 0;
  // Replaces every rule by `rules` and appends `audit`, in one transaction (both or neither).
  // kInvalidArgument for an empty intent or queue, a duplicate service or (service, intent) pair,
  // a min_confidence_permille outside 0..1000.
  virtual Status ReplaceRoutingRules(const RoutingRuleSet& rules, const AuditEntry& audit) = 0;
  // Stores an agent's correction, sets the message's intent to correction.label and its queue to
  // `queue`, and appends `audit` (its message_id taken from the correction), in one transaction.
  // correction.service is ignored. kNotFound for an unknown message; kInvalidArgument for an
  // empty text, label, agent or queue. Returns the correction id.
  virtual Result<int64_t> RecordIntentCorrection(const IntentCorrectionRecord& correction,
                                                 const std::string& queue,
                                                 const AuditEntry& audit) = 0;
  // Corrections with id > after_id, ordered by id, at most `limit` (1..10000).
  virtual Result<std::vector<IntentCorrectionRecord>> ListIntentCorrections(int64_t after_id,
                                                                            int limit) = 0;
  // Stores a trained model and makes it the active one (earlier versions stay stored). A version
  // already stored with the same hash is only activated; with another hash: kAlreadyExists.
  // kInvalidArgument for a version <= 0, empty bytes or hash.
  virtual Status SaveIntentModel(const StoredIntentModel& model) = 0;
  // Makes a stored version the active one; kNotFound when it is not stored.
  virtual Status ActivateIntentModel(int64_t version) = 0;
  // The active model with its bytes; kNotFound when none is stored.
  virtual Result<StoredIntentModel> GetActiveIntentModel() = 0;
  // Monotonic counter bumped in the transaction of every ReplaceRoutingRules (0 before the
  // first): nodes cache the rules and read them again only when it moved.
  virtual Result<int64_t> RoutingVersion() = 0;
  // Version of the active intent model, 0 when none: a cheap check for a newly published model.
  virtual Result<int64_t> ActiveIntentModelVersion() = 0;
  // Stores corrections that belong to no message, in one transaction; a key already stored is
  // skipped, so importing the same file twice adds nothing. Returns how many were added. They are
  // listed by ListIntentCorrections with message_id 0 and service "". kInvalidArgument for an
  // empty key, text, label or agent.
  virtual Result<int64_t> ImportIntentCorrections(
      const std::vector<ImportedIntentCorrection>& corrections) = 0;

  // E-mail channel (issue #7) ------------------------------------------------------------------
  // Stores the envelope of e-mail message envelope.message_id and its attachments, in one
  // transaction. kNotFound for an unknown message; kAlreadyExists when it already has one;
  // kInvalidArgument for an attachment over kMaxEmailAttachmentBytes or a bad references entry.
  virtual Status SaveEmailEnvelope(const EmailEnvelope& envelope,
                                   const std::vector<EmailAttachment>& attachments) = 0;
  // kNotFound when the message has no envelope (not an e-mail, or an unknown id).
  virtual Result<EmailEnvelope> GetEmailEnvelope(int64_t message_id) = 0;
  // The message of `service` whose e-mail (received, or a reply in the outbox) carries RFC
  // Message-ID `rfc_message_id`; nullopt when none (always for an empty id).
  virtual Result<std::optional<int64_t>> FindMessageByRfcMessageId(
      const std::string& service, const std::string& rfc_message_id) = 0;
  // The message's attachments, ordered by id, without their bytes.
  virtual Result<std::vector<EmailAttachment>> ListEmailAttachments(int64_t message_id) = 0;
  // One attachment with its bytes; kNotFound when unknown.
  virtual Result<EmailAttachment> GetEmailAttachment(int64_t id) = 0;
  // Stores a pending entry (state, attempts, last_error, sent_ms ignored). kNotFound for an
  // unknown message; kInvalidArgument without sender or recipient. Returns its id.
  virtual Result<int64_t> EnqueueMail(const MailOutboxEntry& entry) = 0;
  // Entries matching `filter`, ordered by id.
  virtual Result<std::vector<MailOutboxEntry>> ListMailOutbox(const MailOutboxFilter& filter) = 0;
  virtual Result<MailOutboxEntry> GetMailOutboxEntry(int64_t id) = 0;
  // Claims for `claimer` up to `limit` (1..1000) pending entries due at `now_ms` that no sender
  // holds (never claimed, or lease over), oldest first, until now_ms + lease_ms; one transaction
  // (SQLite BEGIN IMMEDIATE, PostgreSQL FOR UPDATE SKIP LOCKED), so concurrent claimers, in this
  // process or another, get disjoint entries. MarkMailSent and MarkMailAttemptFailed release the
  // claim; a claim never released (crashed sender) lapses at the lease's end. kInvalidArgument
  // for an empty claimer, lease_ms <= 0 or a limit out of range.
  virtual Result<std::vector<MailOutboxEntry>> ClaimMailOutbox(const std::string& claimer,
                                                               int64_t now_ms, int64_t lease_ms,
                                                               int limit) = 0;
  // The entry was accepted by the SMTP server: kSent, attempts + 1. kNotFound when unknown.
  virtual Status MarkMailSent(int64_t id, int64_t now_ms) = 0;
  // A failed attempt: attempts, next_attempt_ms and last_error set; the state becomes kFailed
  // when `give_up`, else stays. kNotFound when unknown.
  virtual Status MarkMailAttemptFailed(int64_t id, int attempts, int64_t next_attempt_ms,
                                       const std::string& error, bool give_up) = 0;
  // Puts a kFailed entry back to kPending, due at now_ms (attempts kept). kFailedPrecondition
  // when it is not kFailed; kNotFound when unknown.
  virtual Status RetryMail(int64_t id, int64_t now_ms) = 0;
};

}  // namespace plume
