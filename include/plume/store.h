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
//   agents(id PK, login UNIQUE, display_name, role, service, password_hash, created_at)
//   sessions(token_hash PK, agent_id FK, created_at, expires_at)
//   api_tokens(id PK, token_hash UNIQUE, service, label, created_at, revoked)
//   audit(id PK, at, service, agent, action, message_id, draft_id, engine, prompt_version,
//         sources JSON, decision, final_text, detail)   -- append only
//   satisfaction(token_hash PK, decision_id UNIQUE FK, message_id FK, created_at, expires_at,
//                score NULL, useful NULL, comment, rated_at NULL, updated_at NULL)
//   draft_feedback(id PK, draft_id FK, message_id FK, agent, thumbs_up, reasons CSV, comment,
//                  created_at, UNIQUE(draft_id, agent))
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
};

}  // namespace plume
