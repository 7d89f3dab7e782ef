#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "store/codec/json_columns.h"

namespace plume {
namespace {

// Migrations: append only. Never edit a migration that has shipped.
constexpr auto kMigrations = std::to_array<std::string_view>({
    R"sql(
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  fiche_id TEXT NOT NULL,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  type TEXT NOT NULL,
  audience TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  url TEXT NOT NULL,
  subject TEXT NOT NULL,
  breadcrumb TEXT NOT NULL,
  introduction TEXT NOT NULL,
  sections TEXT NOT NULL,
  links TEXT NOT NULL,
  source_date TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn')),
  ingested_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX documents_fiche_id ON documents(fiche_id);
CREATE INDEX documents_source ON documents(source, status);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL CHECK (service <> ''),
  channel TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  sender_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL CHECK (body <> ''),
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  assigned_agent TEXT NOT NULL,
  intent TEXT NOT NULL
);
CREATE INDEX messages_service_status ON messages(service, status, id);
CREATE INDEX messages_received ON messages(received_at);
CREATE TABLE drafts (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  engine TEXT NOT NULL,
  engine_version TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  text TEXT NOT NULL,
  sources TEXT NOT NULL,
  warnings TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL
);
CREATE INDEX drafts_message ON drafts(message_id);
CREATE TABLE decisions (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  draft_id INTEGER REFERENCES drafts(id),
  agent TEXT NOT NULL CHECK (agent <> ''),
  kind TEXT NOT NULL,
  final_text TEXT NOT NULL,
  edit_distance INTEGER NOT NULL,
  decided_at INTEGER NOT NULL
);
CREATE INDEX decisions_message ON decisions(message_id);
CREATE TABLE kb_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO kb_state (key, value) VALUES ('version', 0);
)sql",
    // 2: agents, sessions, API tokens, audit trail; list and count indexes for messages.
    R"sql(
CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE CHECK (login <> ''),
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
  service TEXT NOT NULL CHECK (service <> ''),
  password_hash TEXT NOT NULL CHECK (password_hash <> ''),
  created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  service TEXT NOT NULL CHECK (service <> ''),
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  service TEXT NOT NULL,
  agent TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action <> ''),
  message_id INTEGER,
  draft_id INTEGER,
  engine TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  sources TEXT NOT NULL,
  decision TEXT NOT NULL,
  final_text TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_service ON audit(service, id);
CREATE INDEX audit_message ON audit(message_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit entries are append only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit entries are append only'); END;
CREATE INDEX messages_service_id ON messages(service, id);
)sql",
    // 3: outcomes: citizens' satisfaction links and ratings, agents' feedback on drafts.
    R"sql(
CREATE TABLE satisfaction (
  token_hash TEXT PRIMARY KEY CHECK (token_hash <> ''),
  decision_id INTEGER NOT NULL UNIQUE REFERENCES decisions(id),
  message_id INTEGER NOT NULL REFERENCES messages(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  score INTEGER CHECK (score IS NULL OR score BETWEEN 1 AND 5),
  useful INTEGER CHECK (useful IS NULL OR useful IN (0, 1)),
  comment TEXT NOT NULL DEFAULT '',
  rated_at INTEGER,
  updated_at INTEGER
);
CREATE INDEX satisfaction_message ON satisfaction(message_id);
CREATE TABLE draft_feedback (
  id INTEGER PRIMARY KEY,
  draft_id INTEGER NOT NULL REFERENCES drafts(id),
  message_id INTEGER NOT NULL REFERENCES messages(id),
  agent TEXT NOT NULL CHECK (agent <> ''),
  thumbs_up INTEGER NOT NULL CHECK (thumbs_up IN (0, 1)),
  reasons TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (draft_id, agent)
);
CREATE INDEX draft_feedback_created ON draft_feedback(created_at);
CREATE INDEX decisions_decided ON decisions(decided_at);
)sql",
    // 4: per-service message counts by status, kept by triggers: the inbox reads them on every
    // list request, and counting 100k rows took 6 ms.
    R"sql(
CREATE TABLE message_counts (
  service TEXT NOT NULL,
  status TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (service, status)
) WITHOUT ROWID;
INSERT INTO message_counts (service, status, n)
  SELECT service, status, COUNT(*) FROM messages GROUP BY service, status;
CREATE TRIGGER message_counts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO message_counts (service, status, n) VALUES (NEW.service, NEW.status, 1)
    ON CONFLICT (service, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER message_counts_delete AFTER DELETE ON messages BEGIN
  UPDATE message_counts SET n = n - 1 WHERE service = OLD.service AND status = OLD.status;
END;
CREATE TRIGGER message_counts_update AFTER UPDATE OF service, status ON messages
  WHEN OLD.service IS NOT NEW.service OR OLD.status IS NOT NEW.status BEGIN
  UPDATE message_counts SET n = n - 1 WHERE service = OLD.service AND status = OLD.status;
  INSERT INTO message_counts (service, status, n) VALUES (NEW.service, NEW.status, 1)
    ON CONFLICT (service, status) DO UPDATE SET n = n + 1;
END;
)sql",
    // 5: reply templates proposed from sent replies, reviewed by supervisors (issue #3).
    R"sql(
CREATE TABLE reply_templates (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL CHECK (service <> ''),
  title TEXT NOT NULL,
  body TEXT NOT NULL CHECK (body <> ''),
  intent TEXT NOT NULL,
  document_ids TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('candidate', 'approved', 'rejected')),
  proposed_by TEXT NOT NULL CHECK (proposed_by <> ''),
  proposed_at INTEGER NOT NULL,
  reviewed_by TEXT NOT NULL,
  reviewed_at INTEGER,
  decision_id INTEGER UNIQUE REFERENCES decisions(id)
);
CREATE INDEX reply_templates_service_status ON reply_templates(service, status, id);
)sql",
    // 6: intent routing: message queues, routing rules edited by admins, agents' intent
    // corrections (training examples) and the intent models shared by every node.
    R"sql(
ALTER TABLE messages ADD COLUMN queue TEXT NOT NULL DEFAULT '';
CREATE INDEX messages_service_queue ON messages(service, queue, id);
CREATE TABLE routing_services (
  service TEXT PRIMARY KEY,
  default_queue TEXT NOT NULL,
  qualification_queue TEXT NOT NULL,
  min_confidence_permille INTEGER CHECK (min_confidence_permille BETWEEN 0 AND 1000)
);
CREATE TABLE routing_rules (
  service TEXT NOT NULL,
  intent TEXT NOT NULL CHECK (intent <> ''),
  queue TEXT NOT NULL CHECK (queue <> ''),
  PRIMARY KEY (service, intent)
);
CREATE TABLE intent_corrections (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  text TEXT NOT NULL CHECK (text <> ''),
  label TEXT NOT NULL CHECK (label <> ''),
  predicted TEXT NOT NULL,
  agent TEXT NOT NULL CHECK (agent <> ''),
  created_at INTEGER NOT NULL
);
CREATE INDEX intent_corrections_message ON intent_corrections(message_id);
CREATE TABLE intent_models (
  version INTEGER PRIMARY KEY CHECK (version > 0),
  manifest TEXT NOT NULL,
  model_hash TEXT NOT NULL CHECK (model_hash <> ''),
  model BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
)sql",
    // 7: e-mail channel: envelopes (threading ids), attachments, outbox of replies (issue #7).
    R"sql(
CREATE TABLE email_envelopes (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id),
  rfc_message_id TEXT NOT NULL,
  in_reply_to TEXT NOT NULL,
  refs TEXT NOT NULL,
  thread_parent_id INTEGER REFERENCES messages(id)
);
CREATE INDEX email_envelopes_rfc ON email_envelopes(rfc_message_id);
CREATE TABLE email_attachments (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL,
  dropped INTEGER NOT NULL CHECK (dropped IN (0, 1)),
  bytes BLOB NOT NULL
);
CREATE INDEX email_attachments_message ON email_attachments(message_id, id);
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  decision_id INTEGER REFERENCES decisions(id),
  rfc_message_id TEXT NOT NULL,
  envelope_from TEXT NOT NULL CHECK (envelope_from <> ''),
  recipients TEXT NOT NULL CHECK (recipients <> ''),
  raw TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt_at, id);
CREATE INDEX mail_outbox_message ON mail_outbox(message_id, id);
CREATE INDEX mail_outbox_rfc ON mail_outbox(rfc_message_id);
)sql",
    // 8: intent corrections imported from the old corrections.jsonl files belong to no message;
    // import_key makes the import idempotent (issue #6). SQLite cannot drop NOT NULL: rebuilt.
    R"sql(
CREATE TABLE intent_corrections_v8 (
  id INTEGER PRIMARY KEY,
  message_id INTEGER REFERENCES messages(id),
  text TEXT NOT NULL CHECK (text <> ''),
  label TEXT NOT NULL CHECK (label <> ''),
  predicted TEXT NOT NULL,
  agent TEXT NOT NULL CHECK (agent <> ''),
  created_at INTEGER NOT NULL,
  import_key TEXT UNIQUE
);
INSERT INTO intent_corrections_v8 (id, message_id, text, label, predicted, agent, created_at)
  SELECT id, message_id, text, label, predicted, agent, created_at FROM intent_corrections;
DROP TABLE intent_corrections;
ALTER TABLE intent_corrections_v8 RENAME TO intent_corrections;
CREATE INDEX intent_corrections_message ON intent_corrections(message_id);
)sql",
    // 9: outbox claims: a sender leases the entries it sends until lease_until, so two senders
    // never send one e-mail; a crashed sender's entries are claimed again after the lease.
    R"sql(
ALTER TABLE mail_outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
)sql",
});

Status SqliteError(sqlite3* db, std::string_view what) {
  int code = sqlite3_errcode(db);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  switch (code & 0xFF) {
    case SQLITE_CONSTRAINT:
      return InvalidArgument(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return Unavailable(msg);
    default:
      return Internal(msg);
  }
}

// Read-only connections per store: enough for the HTTP workers of a small machine to read in
// parallel; each costs a file handle and SQLite's page cache.
constexpr int kReadConnections = 4;

// RAII prepared statement with 1-based binders and 0-based column getters.
}  // namespace

// Prepared statements of one connection, keyed by their SQL text. Preparing is most of the cost
// of a small read (SQLite parses and plans every time), so each statement is prepared once per
// connection and reset after use. Not thread-safe: used only by the thread holding the connection.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() {
    for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  }

  // Returns a statement ready to bind, or nullptr with the SQLite code in *rc. *lease is set when
  // the statement belongs to the cache: pass it to Release. A statement still in use (the same SQL
  // nested in one call chain) gets a private copy, as does any statement once the cache is full;
  // *lease is then nullptr and the caller finalizes it.
  sqlite3_stmt* Acquire(std::string_view sql, int* rc, bool** lease) {
    *lease = nullptr;
    auto it = entries_.find(sql);
    if (it != entries_.end() && !it->second.in_use) {
      it->second.in_use = true;
      *rc = SQLITE_OK;
      *lease = &it->second.in_use;
      return it->second.stmt;
    }
    const bool keep = it == entries_.end() && entries_.size() < kMaxStatements;
    sqlite3_stmt* stmt = nullptr;
    *rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                             keep ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
    if (keep && *rc == SQLITE_OK) {
      auto [slot, inserted] = entries_.emplace(std::string(sql), Entry{stmt, true});
      *lease = &slot->second.in_use;
    }
    return stmt;
  }

  // Resets a statement acquired with a lease and makes it available again.
  static void Release(sqlite3_stmt* stmt, bool* lease) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    *lease = false;
  }

 private:
  // Bounds the cache for SQL assembled from filters; every fixed statement fits many times over.
  static constexpr size_t kMaxStatements = 256;
  struct Entry {
    sqlite3_stmt* stmt;
    bool in_use;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

namespace {

class Stmt {
 public:
  // Prepares `sql` now and finalizes it at destruction.
  Stmt(sqlite3* db, std::string_view sql) : Stmt(db, nullptr, sql) {}
  // Borrows `sql` from `cache` (the cache of `db`; nullptr prepares as above) and returns it there.
  Stmt(sqlite3* db, StatementCache* cache, std::string_view sql) : db_(db) {
    if (cache != nullptr) {
      stmt_ = cache->Acquire(sql, &rc_, &lease_);
    } else {
      rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    }
  }
  ~Stmt() {
    if (lease_ != nullptr) {
      StatementCache::Release(stmt_, lease_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Status status() const { return rc_ == SQLITE_OK ? Status::Ok() : SqliteError(db_, "prepare"); }
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& BindNull(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // Returns true while a row is available; false at the end. Errors go to *status.
  bool Step(Status* status) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) *status = SqliteError(db_, "step");
    return false;
  }
  Status Run() {
    Status s;
    while (Step(&s)) {
    }
    return s;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string(static_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool* lease_ = nullptr;  // set when stmt_ belongs to a StatementCache
  int rc_ = SQLITE_OK;
};

Status Exec(sqlite3* db, std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return SqliteError(db, "exec: " + msg);
  }
  return Status::Ok();
}

// Runs `fn` inside BEGIN IMMEDIATE ... COMMIT, rolling back on error.
template <typename Fn>
Status InTransaction(sqlite3* db, Fn fn) {
  PLUME_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  Status s = fn();
  if (!s.ok()) {
    (void)Exec(db, "ROLLBACK");
    return s;
  }
  return Exec(db, "COMMIT");
}

constexpr std::string_view kDocumentColumns =
    "id, fiche_id, source, kind, type, audience, title, description, url, subject, breadcrumb, "
    "introduction, sections, links, source_date, content_hash, status, ingested_at, updated_at";

Result<KnowledgeDocument> DocumentFromRow(const Stmt& st) {
  KnowledgeDocument d;
  d.id = st.Text(0);
  d.fiche_id = st.Text(1);
  d.source = st.Text(2);
  d.kind = st.Text(3);
  d.type = st.Text(4);
  d.audience = st.Text(5);
  d.title = st.Text(6);
  d.description = st.Text(7);
  d.url = st.Text(8);
  d.subject = st.Text(9);
  d.introduction = st.Text(11);
  d.source_date = st.Text(14);
  d.content_hash = st.Text(15);
  d.status = st.Text(16) == "withdrawn" ? DocumentStatus::kWithdrawn : DocumentStatus::kActive;
  d.ingested_at_ms = st.Int(17);
  d.updated_at_ms = st.Int(18);
  PLUME_RETURN_IF_ERROR(store::ParseDocumentJson(st.Text(10), st.Text(12), st.Text(13), &d));
  return d;
}

constexpr std::string_view kMessageColumns =
    "id, service, channel, sender_name, sender_email, subject, body, received_at, status, "
    "assigned_agent, intent, queue";

Message MessageFromRow(const Stmt& st) {
  Message m;
  m.id = st.Int(0);
  m.service = st.Text(1);
  (void)ParseChannel(st.Text(2), &m.channel);
  m.sender_name = st.Text(3);
  m.sender_email = st.Text(4);
  m.subject = st.Text(5);
  m.body = st.Text(6);
  m.received_at_ms = st.Int(7);
  (void)ParseMessageStatus(st.Text(8), &m.status);
  m.assigned_agent = st.Text(9);
  m.intent = st.Text(10);
  m.queue = st.Text(11);
  return m;
}

constexpr std::string_view kDraftColumns =
    "id, message_id, engine, engine_version, prompt_version, text, sources, warnings, "
    "created_at, latency_ms";

Result<Draft> DraftFromRow(const Stmt& st) {
  Draft d;
  d.id = st.Int(0);
  d.message_id = st.Int(1);
  d.engine = st.Text(2);
  d.engine_version = st.Text(3);
  d.prompt_version = st.Text(4);
  d.text = st.Text(5);
  d.created_at_ms = st.Int(8);
  d.latency_ms = st.Int(9);
  PLUME_RETURN_IF_ERROR(store::ParseDraftJson(st.Text(6), st.Text(7), &d));
  return d;
}

constexpr std::string_view kDecisionColumns =
    "id, message_id, draft_id, agent, kind, final_text, edit_distance, decided_at";

Decision DecisionFromRow(const Stmt& st) {
  Decision d;
  d.id = st.Int(0);
  d.message_id = st.Int(1);
  if (!st.IsNull(2)) d.draft_id = st.Int(2);
  d.agent = st.Text(3);
  (void)ParseDecisionKind(st.Text(4), &d.kind);
  d.final_text = st.Text(5);
  d.edit_distance = st.Int(6);
  d.decided_at_ms = st.Int(7);
  return d;
}

}  // namespace

SqliteStore::SqliteStore(sqlite3* db)
    : db_(db), writer_statements_(std::make_unique<StatementCache>(db)) {}

SqliteStore::~SqliteStore() {
  for (Reader& r : readers_) {
    r.statements.reset();
    sqlite3_close_v2(r.db);
  }
  writer_statements_.reset();
  sqlite3_close_v2(db_);
}

SqliteStore::ReadConnection::~ReadConnection() {
  if (writer_lock_.owns_lock()) return;  // the writer: released with the lock
  {
    std::lock_guard lock(store_->pool_mu_);
    for (Reader& r : store_->readers_) {
      if (r.db == db_) store_->free_readers_.push_back(&r);
    }
  }
  store_->pool_cv_.notify_one();
}

SqliteStore::ReadConnection SqliteStore::AcquireReader() {
  if (readers_.empty()) {
    return ReadConnection(this, db_, writer_statements_.get(), std::unique_lock(mu_));
  }
  std::unique_lock lock(pool_mu_);
  pool_cv_.wait(lock, [this] { return !free_readers_.empty(); });
  Reader* reader = free_readers_.back();
  free_readers_.pop_back();
  return ReadConnection(this, reader->db, reader->statements.get(), std::unique_lock<std::mutex>());
}

int SqliteStore::LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  // SQLite's memory statistics take a process-wide mutex on every allocation, which serialises
  // the read connections; nothing here reads them. Must precede SQLite's initialisation, so it
  // only takes effect when the first store of the process opens (a no-op afterwards).
  static std::once_flag no_memstatus;
  std::call_once(no_memstatus, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Unavailable("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  for (std::string_view pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL"}) {
    Status s = Exec(db, pragma);
    if (!s.ok()) return s.WithContext("open " + path);
  }
  PLUME_RETURN_IF_ERROR(store->Migrate().WithContext("migrate " + path));
  // Read-only connections for concurrent reads; none for in-memory or temporary databases, which
  // other connections cannot see.
  const char* file = sqlite3_db_filename(db, "main");
  if (file != nullptr && file[0] != '\0') {
    for (int i = 0; i < kReadConnections; ++i) {
      sqlite3* reader = nullptr;
      if (sqlite3_open_v2(file, &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
          SQLITE_OK) {
        std::string msg = reader ? sqlite3_errmsg(reader) : "out of memory";
        sqlite3_close_v2(reader);
        return Unavailable("cannot open a read connection to " + path + ": " + msg);
      }
      store->readers_.push_back(Reader{reader, std::make_unique<StatementCache>(reader)});
      sqlite3_busy_timeout(reader, 5000);
    }
    for (Reader& r : store->readers_) store->free_readers_.push_back(&r);
  }
  return store;
}

Result<int> SqliteStore::SchemaVersion() {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  PLUME_RETURN_IF_ERROR(st.status());
  Status s;
  if (!st.Step(&s)) return s.ok() ? Internal("no schema version row") : s;
  return static_cast<int>(st.Int(0));
}

Status SqliteStore::Migrate() {
  PLUME_RETURN_IF_ERROR(Exec(db_,
                             "CREATE TABLE IF NOT EXISTS schema_migrations ("
                             "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"));
  PLUME_ASSIGN_OR_RETURN(int current, SchemaVersion());
  if (current > LatestSchemaVersion()) {
    return FailedPrecondition("database schema version " + std::to_string(current) +
                              " is newer than this build (" +
                              std::to_string(LatestSchemaVersion()) + ")");
  }
  std::lock_guard lock(mu_);
  for (int v = current + 1; v <= LatestSchemaVersion(); ++v) {
    PLUME_RETURN_IF_ERROR(InTransaction(db_, [&]() -> Status {
                            PLUME_RETURN_IF_ERROR(
                                Exec(db_, kMigrations[static_cast<size_t>(v - 1)]));
                            Stmt st(db_, writer_statements_.get(),
                                    "INSERT INTO schema_migrations (version, applied_at) "
                                    "VALUES (?, CAST(strftime('%s','now') AS INTEGER) * 1000)");
                            PLUME_RETURN_IF_ERROR(st.status());
                            st.Bind(1, int64_t{v});
                            return st.Run();
                          }).WithContext("migration " + std::to_string(v)));
  }
  return Status::Ok();
}

Status SqliteStore::BumpKnowledgeVersionLocked() {
  return Exec(db_, "UPDATE kb_state SET value = value + 1 WHERE key = 'version'");
}

Result<UpsertStats> SqliteStore::UpsertDocuments(const std::vector<KnowledgeDocument>& docs,
                                                 int64_t now_ms) {
  std::lock_guard lock(mu_);
  UpsertStats stats;
  Status s = InTransaction(db_, [&]() -> Status {
    Stmt get(db_, writer_statements_.get(),
             "SELECT content_hash, status FROM documents WHERE id = ?");
    PLUME_RETURN_IF_ERROR(get.status());
    Stmt upsert(db_, writer_statements_.get(),
                "INSERT INTO documents (id, fiche_id, source, kind, type, audience, title, "
                "description, url, subject, breadcrumb, introduction, sections, links, "
                "source_date, content_hash, status, ingested_at, updated_at) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'active',?,?) ON CONFLICT(id) DO UPDATE SET "
                "fiche_id=excluded.fiche_id, source=excluded.source, kind=excluded.kind, "
                "type=excluded.type, audience=excluded.audience, title=excluded.title, "
                "description=excluded.description, url=excluded.url, subject=excluded.subject, "
                "breadcrumb=excluded.breadcrumb, introduction=excluded.introduction, "
                "sections=excluded.sections, links=excluded.links, "
                "source_date=excluded.source_date, content_hash=excluded.content_hash, "
                "status='active', updated_at=excluded.updated_at");
    PLUME_RETURN_IF_ERROR(upsert.status());
    for (const auto& d : docs) {
      if (d.id.empty()) return InvalidArgument("document without id");
      get.Reset();
      get.Bind(1, d.id);
      Status step;
      bool exists = get.Step(&step);
      PLUME_RETURN_IF_ERROR(step);
      if (exists && get.Text(0) == d.content_hash && get.Text(1) == "active") {
        ++stats.unchanged;
        continue;
      }
      (exists ? stats.updated : stats.inserted) += 1;
      get.Reset();
      upsert.Reset();
      upsert.Bind(1, d.id)
          .Bind(2, d.fiche_id)
          .Bind(3, d.source)
          .Bind(4, d.kind)
          .Bind(5, d.type)
          .Bind(6, d.audience)
          .Bind(7, d.title)
          .Bind(8, d.description)
          .Bind(9, d.url)
          .Bind(10, d.subject)
          .Bind(11, store::BreadcrumbToJson(d.breadcrumb))
          .Bind(12, d.introduction)
          .Bind(13, store::SectionsToJson(d.sections))
          .Bind(14, store::LinksToJson(d.links))
          .Bind(15, d.source_date)
          .Bind(16, d.content_hash)
          .Bind(17, now_ms)
          .Bind(18, now_ms);
      PLUME_RETURN_IF_ERROR(upsert.Run().WithContext("upsert " + d.id));
    }
    if (stats.inserted + stats.updated > 0) PLUME_RETURN_IF_ERROR(BumpKnowledgeVersionLocked());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (stats.inserted + stats.updated > 0) NotifyKnowledgeChanged();
  return stats;
}

Result<int64_t> SqliteStore::MarkWithdrawn(const std::vector<std::string>& ids, int64_t now_ms) {
  std::lock_guard lock(mu_);
  int64_t changed = 0;
  Status s = InTransaction(db_, [&]() -> Status {
    Stmt st(db_, writer_statements_.get(),
            "UPDATE documents SET status = 'withdrawn', updated_at = ? "
            "WHERE id = ? AND status = 'active'");
    PLUME_RETURN_IF_ERROR(st.status());
    for (const auto& id : ids) {
      st.Reset();
      st.Bind(1, now_ms).Bind(2, id);
      PLUME_RETURN_IF_ERROR(st.Run());
      changed += sqlite3_changes(db_);
    }
    if (changed > 0) PLUME_RETURN_IF_ERROR(BumpKnowledgeVersionLocked());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (changed > 0) NotifyKnowledgeChanged();
  return changed;
}

Result<KnowledgeDocument> SqliteStore::GetDocument(const std::string& id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown document: " + id) : s;
  return DocumentFromRow(st);
}

Result<std::vector<DocumentDigest>> SqliteStore::ListDocumentDigests(const std::string& source) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT id, content_hash, status FROM documents WHERE (? = '' OR source = ?) "
          "ORDER BY id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, source).Bind(2, source);
  std::vector<DocumentDigest> out;
  Status s;
  while (st.Step(&s)) {
    out.push_back(
        {st.Text(0), st.Text(1),
         st.Text(2) == "withdrawn" ? DocumentStatus::kWithdrawn : DocumentStatus::kActive});
  }
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::ForEachDocument(bool include_withdrawn,
                                    const std::function<Status(const KnowledgeDocument&)>& fn) {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "SELECT " + std::string(kDocumentColumns) +
              " FROM documents WHERE (? = 1 OR status = 'active') ORDER BY id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, int64_t{include_withdrawn ? 1 : 0});
  Status s;
  while (st.Step(&s)) {
    PLUME_ASSIGN_OR_RETURN(KnowledgeDocument d, DocumentFromRow(st));
    PLUME_RETURN_IF_ERROR(fn(d));
  }
  return s;
}

Result<int64_t> SqliteStore::CountDocuments(bool include_withdrawn) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT COUNT(*) FROM documents WHERE (? = 1 OR status = 'active')");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, int64_t{include_withdrawn ? 1 : 0});
  Status s;
  if (!st.Step(&s)) return s.ok() ? Internal("COUNT returned no row") : s;
  return st.Int(0);
}

Result<int64_t> SqliteStore::KnowledgeVersion() {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(), "SELECT value FROM kb_state WHERE key = 'version'");
  PLUME_RETURN_IF_ERROR(st.status());
  Status s;
  if (!st.Step(&s)) return s.ok() ? DataLoss("kb_state has no version row") : s;
  return st.Int(0);
}

void SqliteStore::NotifyKnowledgeChanged() {
  {
    std::lock_guard lock(kb_mu_);
    ++kb_changes_;
  }
  kb_cv_.notify_all();
}

Result<int64_t> SqliteStore::WaitForKnowledgeChange(int64_t known_version, int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max<int64_t>(timeout_ms, 0));
  for (;;) {
    uint64_t seen = 0;
    {
      std::lock_guard lock(kb_mu_);
      seen = kb_changes_;
    }
    // Read after noting the change count: a change committed in between wakes the wait below.
    PLUME_ASSIGN_OR_RETURN(int64_t version, KnowledgeVersion());
    if (version != known_version) return version;
    std::unique_lock lock(kb_mu_);
    if (!kb_cv_.wait_until(lock, deadline, [&] { return kb_changes_ != seen; })) {
      lock.unlock();
      return KnowledgeVersion();  // timed out: changes by other processes show up here
    }
  }
}

Result<int64_t> SqliteStore::CreateMessage(const Message& m) {
  if (m.service.empty()) return InvalidArgument("message without service");
  if (m.body.empty()) return InvalidArgument("message without body");
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "INSERT INTO messages (service, channel, sender_name, sender_email, subject, body, "
          "received_at, status, assigned_agent, intent, queue) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, m.service)
      .Bind(2, ToString(m.channel))
      .Bind(3, m.sender_name)
      .Bind(4, m.sender_email)
      .Bind(5, m.subject)
      .Bind(6, m.body)
      .Bind(7, m.received_at_ms)
      .Bind(8, ToString(m.status))
      .Bind(9, m.assigned_agent)
      .Bind(10, m.intent)
      .Bind(11, m.queue);
  PLUME_RETURN_IF_ERROR(st.Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<Message> SqliteStore::GetMessage(int64_t id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kMessageColumns) + " FROM messages WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown message: " + std::to_string(id)) : s;
  return MessageFromRow(st);
}

Result<std::vector<Message>> SqliteStore::ListMessages(const MessageFilter& f) {
  if (f.limit < 1 || f.limit > 1000) return InvalidArgument("limit must be between 1 and 1000");
  // Only the conditions in use appear in the SQL, so the planner can pick the (service, status,
  // id) or (service, id) index and stop after `limit` rows.
  std::string sql = "SELECT " + std::string(kMessageColumns) + " FROM messages WHERE id > ?1";
  if (f.service) sql += " AND service = ?2";
  if (f.status) sql += " AND status = ?3";
  if (f.channel) sql += " AND channel = ?4";
  if (f.received_from_ms) sql += " AND received_at >= ?5";
  if (f.received_to_ms) sql += " AND received_at < ?6";
  if (f.queue) sql += " AND queue = ?8";
  sql += " ORDER BY id LIMIT ?7";
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(), sql);
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, f.after_id);
  if (f.service) st.Bind(2, *f.service);
  if (f.status) st.Bind(3, ToString(*f.status));
  if (f.channel) st.Bind(4, ToString(*f.channel));
  if (f.received_from_ms) st.Bind(5, *f.received_from_ms);
  if (f.received_to_ms) st.Bind(6, *f.received_to_ms);
  st.Bind(7, int64_t{f.limit});
  if (f.queue) st.Bind(8, *f.queue);
  std::vector<Message> out;
  Status s;
  while (st.Step(&s)) out.push_back(MessageFromRow(st));
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::UpdateMessageStatus(int64_t id, MessageStatus status) {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(), "UPDATE messages SET status = ? WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, ToString(status)).Bind(2, id);
  PLUME_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db_) == 0) return NotFound("unknown message: " + std::to_string(id));
  return Status::Ok();
}

Status SqliteStore::AssignMessage(int64_t id, const std::string& agent) {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(), "UPDATE messages SET assigned_agent = ? WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, agent).Bind(2, id);
  PLUME_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db_) == 0) return NotFound("unknown message: " + std::to_string(id));
  return Status::Ok();
}

Result<int64_t> SqliteStore::CreateDraft(const Draft& d) {
  std::lock_guard lock(mu_);
  {
    Stmt check(db_, writer_statements_.get(), "SELECT 1 FROM messages WHERE id = ?");
    PLUME_RETURN_IF_ERROR(check.status());
    check.Bind(1, d.message_id);
    Status s;
    if (!check.Step(&s)) {
      return s.ok() ? NotFound("unknown message: " + std::to_string(d.message_id)) : s;
    }
  }
  Stmt st(db_, writer_statements_.get(),
          "INSERT INTO drafts (message_id, engine, engine_version, prompt_version, text, sources, "
          "warnings, created_at, latency_ms) VALUES (?,?,?,?,?,?,?,?,?)");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, d.message_id)
      .Bind(2, d.engine)
      .Bind(3, d.engine_version)
      .Bind(4, d.prompt_version)
      .Bind(5, d.text)
      .Bind(6, store::SourcesToJson(d.sources))
      .Bind(7, store::StringListToJson(d.warnings))
      .Bind(8, d.created_at_ms)
      .Bind(9, d.latency_ms);
  PLUME_RETURN_IF_ERROR(st.Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<Draft> SqliteStore::GetDraft(int64_t id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kDraftColumns) + " FROM drafts WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown draft: " + std::to_string(id)) : s;
  return DraftFromRow(st);
}

namespace {

// "[1,2,3]": the ids as one bound JSON array, expanded by json_each in the query.
std::string IdsAsJson(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

}  // namespace

template <typename T, typename FromRow>
Result<std::vector<T>> SqliteStore::ListOfMessages(std::string_view table, std::string_view columns,
                                                   const std::vector<int64_t>& ids,
                                                   FromRow from_row) {
  if (ids.size() > 1000) return InvalidArgument("at most 1000 message ids");
  std::vector<T> out;
  if (ids.empty()) return out;
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(columns) + " FROM " + std::string(table) +
              " WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, IdsAsJson(ids));
  Status s;
  while (st.Step(&s)) {
    PLUME_ASSIGN_OR_RETURN(T row, from_row(st));
    out.push_back(std::move(row));
  }
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<Draft>> SqliteStore::ListDraftsOfMessages(const std::vector<int64_t>& ids) {
  return ListOfMessages<Draft>("drafts", kDraftColumns, ids, DraftFromRow);
}

Result<std::vector<Decision>> SqliteStore::ListDecisionsOfMessages(
    const std::vector<int64_t>& ids) {
  return ListOfMessages<Decision>(
      "decisions", kDecisionColumns, ids,
      [](const Stmt& st) -> Result<Decision> { return DecisionFromRow(st); });
}

Result<std::vector<Draft>> SqliteStore::ListDrafts(int64_t message_id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kDraftColumns) + " FROM drafts WHERE message_id = ? ORDER BY id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, message_id);
  std::vector<Draft> out;
  Status s;
  while (st.Step(&s)) {
    PLUME_ASSIGN_OR_RETURN(Draft d, DraftFromRow(st));
    out.push_back(std::move(d));
  }
  if (!s.ok()) return s;
  return out;
}

namespace {

Status ValidateDecision(const Decision& d) {
  if (d.agent.empty()) return InvalidArgument("decision without agent");
  if (d.kind != DecisionKind::kDiscarded && d.final_text.empty()) {
    return InvalidArgument("a sent reply needs a final text");
  }
  if ((d.kind == DecisionKind::kAccepted || d.kind == DecisionKind::kEdited ||
       d.kind == DecisionKind::kDiscarded) &&
      !d.draft_id) {
    return InvalidArgument("decision '" + std::string(ToString(d.kind)) + "' needs a draft id");
  }
  return Status::Ok();
}

// Inserts the decision (and marks the message answered for a sent reply). Caller holds the lock
// and a transaction.
Result<int64_t> InsertDecision(sqlite3* db, const Decision& d) {
  // Runs inside the caller's BEGIN IMMEDIATE transaction: no other writer can answer the message
  // between this check and the insert.
  Stmt msg(db, "SELECT status FROM messages WHERE id = ?");
  PLUME_RETURN_IF_ERROR(msg.status());
  msg.Bind(1, d.message_id);
  Status step;
  if (!msg.Step(&step)) {
    return step.ok() ? NotFound("unknown message: " + std::to_string(d.message_id)) : step;
  }
  if (d.kind != DecisionKind::kDiscarded &&
      (msg.Text(0) == "answered" || msg.Text(0) == "closed")) {
    return FailedPrecondition("message " + std::to_string(d.message_id) +
                              " is already answered or closed");
  }
  if (d.draft_id) {
    Stmt dr(db, "SELECT message_id FROM drafts WHERE id = ?");
    PLUME_RETURN_IF_ERROR(dr.status());
    dr.Bind(1, *d.draft_id);
    if (!dr.Step(&step)) {
      return step.ok() ? NotFound("unknown draft: " + std::to_string(*d.draft_id)) : step;
    }
    if (dr.Int(0) != d.message_id) {
      return InvalidArgument("draft " + std::to_string(*d.draft_id) +
                             " does not belong to message " + std::to_string(d.message_id));
    }
  }
  Stmt st(db,
          "INSERT INTO decisions (message_id, draft_id, agent, kind, final_text, edit_distance, "
          "decided_at) VALUES (?,?,?,?,?,?,?)");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, d.message_id);
  if (d.draft_id)
    st.Bind(2, *d.draft_id);
  else
    st.BindNull(2);
  st.Bind(3, d.agent)
      .Bind(4, ToString(d.kind))
      .Bind(5, d.final_text)
      .Bind(6, d.edit_distance)
      .Bind(7, d.decided_at_ms);
  PLUME_RETURN_IF_ERROR(st.Run());
  int64_t id = sqlite3_last_insert_rowid(db);
  if (d.kind != DecisionKind::kDiscarded) {
    Stmt up(db, "UPDATE messages SET status = 'answered' WHERE id = ?");
    PLUME_RETURN_IF_ERROR(up.status());
    up.Bind(1, d.message_id);
    PLUME_RETURN_IF_ERROR(up.Run());
  }
  return id;
}

Result<int64_t> InsertAudit(sqlite3* db, const AuditEntry& e) {
  if (e.action.empty()) return InvalidArgument("audit entry without action");
  Stmt st(
      db,
      "INSERT INTO audit (at, service, agent, action, message_id, draft_id, engine, "
      "prompt_version, sources, decision, final_text, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, e.at_ms).Bind(2, e.service).Bind(3, e.agent).Bind(4, e.action);
  if (e.message_id)
    st.Bind(5, *e.message_id);
  else
    st.BindNull(5);
  if (e.draft_id)
    st.Bind(6, *e.draft_id);
  else
    st.BindNull(6);
  st.Bind(7, e.engine)
      .Bind(8, e.prompt_version)
      .Bind(9, store::StringListToJson(e.sources))
      .Bind(10, e.decision)
      .Bind(11, e.final_text)
      .Bind(12, e.detail);
  PLUME_RETURN_IF_ERROR(st.Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db));
}

constexpr std::string_view kAgentColumns =
    "id, login, display_name, role, service, password_hash, created_at";

Agent AgentFromRow(const Stmt& st) {
  Agent a;
  a.id = st.Int(0);
  a.login = st.Text(1);
  a.display_name = st.Text(2);
  (void)ParseAgentRole(st.Text(3), &a.role);
  a.service = st.Text(4);
  a.password_hash = st.Text(5);
  a.created_at_ms = st.Int(6);
  return a;
}

constexpr std::string_view kAuditColumns =
    "id, at, service, agent, action, message_id, draft_id, engine, prompt_version, sources, "
    "decision, final_text, detail";

Result<AuditEntry> AuditFromRow(const Stmt& st) {
  AuditEntry e;
  e.id = st.Int(0);
  e.at_ms = st.Int(1);
  e.service = st.Text(2);
  e.agent = st.Text(3);
  e.action = st.Text(4);
  if (!st.IsNull(5)) e.message_id = st.Int(5);
  if (!st.IsNull(6)) e.draft_id = st.Int(6);
  e.engine = st.Text(7);
  e.prompt_version = st.Text(8);
  PLUME_ASSIGN_OR_RETURN(e.sources,
                         store::ParseStringList(st.Text(9), "audit " + std::to_string(e.id)));
  e.decision = st.Text(10);
  e.final_text = st.Text(11);
  e.detail = st.Text(12);
  return e;
}

}  // namespace

Result<int64_t> SqliteStore::RecordDecision(const Decision& d) {
  PLUME_RETURN_IF_ERROR(ValidateDecision(d));
  std::lock_guard lock(mu_);
  int64_t id = 0;
  Status s = InTransaction(db_, [&]() -> Status {
    PLUME_ASSIGN_OR_RETURN(id, InsertDecision(db_, d));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return id;
}

Result<std::vector<Decision>> SqliteStore::ListDecisions(int64_t message_id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kDecisionColumns) +
              " FROM decisions WHERE message_id = ? ORDER BY id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, message_id);
  std::vector<Decision> out;
  Status s;
  while (st.Step(&s)) out.push_back(DecisionFromRow(st));
  if (!s.ok()) return s;
  return out;
}

Result<MessageCounts> SqliteStore::CountMessagesByStatus(const std::string& service) {
  // message_counts is kept by triggers (migration 4).
  std::string sql = "SELECT status, SUM(n) FROM message_counts";
  if (!service.empty()) sql += " WHERE service = ?1";
  sql += " GROUP BY status";
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(), sql);
  PLUME_RETURN_IF_ERROR(st.status());
  if (!service.empty()) st.Bind(1, service);
  MessageCounts c;
  Status s;
  while (st.Step(&s)) {
    MessageStatus status;
    if (!ParseMessageStatus(st.Text(0), &status)) continue;
    switch (status) {
      case MessageStatus::kNew:
        c.new_messages = st.Int(1);
        break;
      case MessageStatus::kInProgress:
        c.in_progress = st.Int(1);
        break;
      case MessageStatus::kAnswered:
        c.answered = st.Int(1);
        break;
      case MessageStatus::kClosed:
        c.closed = st.Int(1);
        break;
    }
  }
  if (!s.ok()) return s;
  return c;
}

Result<Message> SqliteStore::AssignMessageToLogin(int64_t id, const std::string& login) {
  std::lock_guard lock(mu_);
  Message out;
  Status s = InTransaction(db_, [&]() -> Status {
    Stmt st(db_, writer_statements_.get(),
            "UPDATE messages SET assigned_agent = ?2, "
            "status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END "
            "WHERE id = ?1 AND service = (SELECT service FROM agents WHERE login = ?2)");
    PLUME_RETURN_IF_ERROR(st.status());
    st.Bind(1, id).Bind(2, login);
    PLUME_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(db_) == 0) {
      return NotFound("unknown message " + std::to_string(id) + " or agent " + login +
                      " in its service");
    }
    Stmt get(db_, writer_statements_.get(),
             "SELECT " + std::string(kMessageColumns) + " FROM messages WHERE id = ?");
    PLUME_RETURN_IF_ERROR(get.status());
    get.Bind(1, id);
    Status step;
    if (!get.Step(&step)) return step.ok() ? Internal("assigned message vanished") : step;
    out = MessageFromRow(get);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> SqliteStore::RecordDecisionWithAudit(const Decision& d, const AuditEntry& audit) {
  PLUME_RETURN_IF_ERROR(ValidateDecision(d));
  std::lock_guard lock(mu_);
  int64_t id = 0;
  Status s = InTransaction(db_, [&]() -> Status {
    PLUME_ASSIGN_OR_RETURN(id, InsertDecision(db_, d));
    AuditEntry e = audit;
    e.message_id = d.message_id;
    e.draft_id = d.draft_id;
    e.decision = std::string(ToString(d.kind));
    PLUME_ASSIGN_OR_RETURN(int64_t audit_id, InsertAudit(db_, e));
    (void)audit_id;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return id;
}

Result<int64_t> SqliteStore::CreateAgent(const Agent& a) {
  if (a.login.empty()) return InvalidArgument("agent without login");
  if (a.service.empty()) return InvalidArgument("agent without service");
  if (a.password_hash.empty()) return InvalidArgument("agent without password hash");
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "INSERT INTO agents (login, display_name, role, service, password_hash, created_at) "
          "VALUES (?,?,?,?,?,?)");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, a.login)
      .Bind(2, a.display_name)
      .Bind(3, ToString(a.role))
      .Bind(4, a.service)
      .Bind(5, a.password_hash)
      .Bind(6, a.created_at_ms);
  Status s = st.Run();
  if (!s.ok()) {
    if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE) {
      return AlreadyExists("login already taken: " + a.login);
    }
    return s;
  }
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<Agent> SqliteStore::GetAgent(int64_t id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kAgentColumns) + " FROM agents WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown agent: " + std::to_string(id)) : s;
  return AgentFromRow(st);
}

Result<Agent> SqliteStore::GetAgentByLogin(const std::string& login) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kAgentColumns) + " FROM agents WHERE login = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, login);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown agent login") : s;
  return AgentFromRow(st);
}

Status SqliteStore::CreateSession(const Session& session) {
  if (session.token_hash.empty()) return InvalidArgument("session without token hash");
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?,?,?,?)");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, session.token_hash)
      .Bind(2, session.agent_id)
      .Bind(3, session.created_at_ms)
      .Bind(4, session.expires_at_ms);
  return st.Run();
}

Result<Session> SqliteStore::GetSession(const std::string& token_hash) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT token_hash, agent_id, created_at, expires_at FROM sessions WHERE token_hash = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, token_hash);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown session") : s;
  return Session{st.Text(0), st.Int(1), st.Int(2), st.Int(3)};
}

Status SqliteStore::DeleteSession(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(), "DELETE FROM sessions WHERE token_hash = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, token_hash);
  return st.Run();
}

Result<int64_t> SqliteStore::DeleteExpiredSessions(int64_t now_ms) {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(), "DELETE FROM sessions WHERE expires_at <= ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, now_ms);
  PLUME_RETURN_IF_ERROR(st.Run());
  return static_cast<int64_t>(sqlite3_changes(db_));
}

Result<int64_t> SqliteStore::CreateApiToken(const ApiToken& t) {
  if (t.token_hash.empty()) return InvalidArgument("API token without hash");
  if (t.service.empty()) return InvalidArgument("API token without service");
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "INSERT INTO api_tokens (token_hash, service, label, created_at, revoked) "
          "VALUES (?,?,?,?,?)");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, t.token_hash)
      .Bind(2, t.service)
      .Bind(3, t.label)
      .Bind(4, t.created_at_ms)
      .Bind(5, int64_t{t.revoked ? 1 : 0});
  PLUME_RETURN_IF_ERROR(st.Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<ApiToken> SqliteStore::GetApiTokenByHash(const std::string& token_hash) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT id, token_hash, service, label, created_at, revoked FROM api_tokens "
          "WHERE token_hash = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, token_hash);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown API token") : s;
  return ApiToken{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Int(5) != 0};
}

Result<int64_t> SqliteStore::AppendAudit(const AuditEntry& entry) {
  std::lock_guard lock(mu_);
  return InsertAudit(db_, entry);
}

Result<std::vector<AuditEntry>> SqliteStore::ListAudit(const AuditFilter& f) {
  if (f.limit < 1 || f.limit > 1000) return InvalidArgument("limit must be between 1 and 1000");
  std::string sql = "SELECT " + std::string(kAuditColumns) + " FROM audit WHERE id > ?1";
  if (f.service) sql += " AND service = ?2";
  if (f.message_id) sql += " AND message_id = ?3";
  sql += " ORDER BY id LIMIT ?4";
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(), sql);
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, f.after_id);
  if (f.service) st.Bind(2, *f.service);
  if (f.message_id) st.Bind(3, *f.message_id);
  st.Bind(4, int64_t{f.limit});
  std::vector<AuditEntry> out;
  Status s;
  while (st.Step(&s)) {
    PLUME_ASSIGN_OR_RETURN(AuditEntry e, AuditFromRow(st));
    out.push_back(std::move(e));
  }
  if (!s.ok()) return s;
  return out;
}

// --- Outcomes
// -------------------------------------------------------------------------------------

namespace {

constexpr std::string_view kSatisfactionSelect =
    "SELECT s.token_hash, s.decision_id, s.message_id, m.service, s.created_at, s.expires_at, "
    "s.score, s.useful, s.comment, s.rated_at, s.updated_at FROM satisfaction s "
    "JOIN messages m ON m.id = s.message_id ";

SatisfactionRating RatingFromRow(const Stmt& st) {
  SatisfactionRating r;
  r.decision_id = st.Int(1);
  r.message_id = st.Int(2);
  r.score = static_cast<int>(st.Int(6));
  if (!st.IsNull(7)) r.useful = st.Int(7) != 0;
  r.comment = st.Text(8);
  r.rated_at_ms = st.Int(9);
  r.updated_at_ms = st.Int(10);
  return r;
}

}  // namespace

Status SqliteStore::CreateSatisfactionLink(const SatisfactionLink& link) {
  if (link.token_hash.empty()) return InvalidArgument("satisfaction link without token hash");
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    Stmt check(db_, writer_statements_.get(),
               "SELECT message_id, kind FROM decisions WHERE id = ?");
    PLUME_RETURN_IF_ERROR(check.status());
    check.Bind(1, link.decision_id);
    Status s;
    if (!check.Step(&s)) return s.ok() ? NotFound("unknown decision") : s;
    DecisionKind kind = DecisionKind::kDiscarded;
    (void)ParseDecisionKind(check.Text(1), &kind);
    if (check.Int(0) != link.message_id) {
      return InvalidArgument("decision does not belong to the message");
    }
    if (kind == DecisionKind::kDiscarded) return InvalidArgument("not a sending decision");
    Stmt exists(db_, writer_statements_.get(),
                "SELECT 1 FROM satisfaction WHERE decision_id = ? OR token_hash = ?");
    PLUME_RETURN_IF_ERROR(exists.status());
    exists.Bind(1, link.decision_id).Bind(2, link.token_hash);
    if (exists.Step(&s)) return AlreadyExists("satisfaction link already exists");
    PLUME_RETURN_IF_ERROR(s);
    Stmt st(db_, writer_statements_.get(),
            "INSERT INTO satisfaction (token_hash, decision_id, message_id, created_at, "
            "expires_at) VALUES (?,?,?,?,?)");
    PLUME_RETURN_IF_ERROR(st.status());
    st.Bind(1, link.token_hash)
        .Bind(2, link.decision_id)
        .Bind(3, link.message_id)
        .Bind(4, link.created_at_ms)
        .Bind(5, link.expires_at_ms);
    return st.Run();
  });
}

Result<SatisfactionLink> SqliteStore::GetSatisfactionLink(const std::string& token_hash) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          std::string(kSatisfactionSelect) + "WHERE s.token_hash = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, token_hash);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown satisfaction link") : s;
  SatisfactionLink link;
  link.token_hash = st.Text(0);
  link.decision_id = st.Int(1);
  link.message_id = st.Int(2);
  link.service = st.Text(3);
  link.created_at_ms = st.Int(4);
  link.expires_at_ms = st.Int(5);
  if (!st.IsNull(6)) link.rating = RatingFromRow(st);
  return link;
}

Status SqliteStore::SaveSatisfactionRating(const std::string& token_hash,
                                           const SatisfactionRating& r) {
  if (r.score < 1 || r.score > 5) return InvalidArgument("score must be between 1 and 5");
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "UPDATE satisfaction SET score = ?, useful = ?, comment = ?, rated_at = ?, "
          "updated_at = ? WHERE token_hash = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, int64_t{r.score});
  if (r.useful) {
    st.Bind(2, int64_t{*r.useful ? 1 : 0});
  } else {
    st.BindNull(2);
  }
  st.Bind(3, r.comment).Bind(4, r.rated_at_ms).Bind(5, r.updated_at_ms).Bind(6, token_hash);
  PLUME_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db_) == 0) return NotFound("unknown satisfaction link");
  return Status::Ok();
}

Result<std::vector<SatisfactionRating>> SqliteStore::ListSatisfactionRatings(
    const OutcomeRecordFilter& f) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          std::string(kSatisfactionSelect) +
              "JOIN decisions d ON d.id = s.decision_id WHERE s.score IS NOT NULL "
              "AND d.decided_at >= ? AND d.decided_at < ? AND (? = '' OR m.service = ?) "
              "ORDER BY s.decision_id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, f.from_ms).Bind(2, f.to_ms).Bind(3, f.service).Bind(4, f.service);
  std::vector<SatisfactionRating> out;
  Status s;
  while (st.Step(&s)) out.push_back(RatingFromRow(st));
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> SqliteStore::SaveDraftFeedback(const DraftFeedback& fb) {
  if (fb.agent.empty()) return InvalidArgument("draft feedback without agent");
  std::lock_guard lock(mu_);
  Stmt draft(db_, writer_statements_.get(), "SELECT message_id FROM drafts WHERE id = ?");
  PLUME_RETURN_IF_ERROR(draft.status());
  draft.Bind(1, fb.draft_id);
  Status s;
  if (!draft.Step(&s)) return s.ok() ? NotFound("unknown draft") : s;
  const int64_t message_id = draft.Int(0);
  Stmt st(db_, writer_statements_.get(),
          "INSERT INTO draft_feedback (draft_id, message_id, agent, thumbs_up, reasons, comment, "
          "created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT (draft_id, agent) DO UPDATE SET "
          "thumbs_up = excluded.thumbs_up, reasons = excluded.reasons, "
          "comment = excluded.comment, created_at = excluded.created_at RETURNING id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, fb.draft_id)
      .Bind(2, message_id)
      .Bind(3, fb.agent)
      .Bind(4, int64_t{fb.thumbs_up ? 1 : 0})
      .Bind(5, store::ReasonsToText(fb.reasons))
      .Bind(6, fb.comment)
      .Bind(7, fb.created_at_ms);
  if (!st.Step(&s)) return s.ok() ? Internal("upsert returned no id") : s;
  const int64_t id = st.Int(0);
  PLUME_RETURN_IF_ERROR(st.Run());
  return id;
}

Result<std::vector<DraftFeedback>> SqliteStore::ListDraftFeedback(const OutcomeRecordFilter& f) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT f.id, f.draft_id, f.message_id, f.agent, f.thumbs_up, f.reasons, f.comment, "
          "f.created_at FROM draft_feedback f JOIN messages m ON m.id = f.message_id "
          "WHERE f.created_at >= ? AND f.created_at < ? AND (? = '' OR m.service = ?) "
          "ORDER BY f.id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, f.from_ms).Bind(2, f.to_ms).Bind(3, f.service).Bind(4, f.service);
  std::vector<DraftFeedback> out;
  Status s;
  while (st.Step(&s)) {
    DraftFeedback fb;
    fb.id = st.Int(0);
    fb.draft_id = st.Int(1);
    fb.message_id = st.Int(2);
    fb.agent = st.Text(3);
    fb.thumbs_up = st.Int(4) != 0;
    fb.reasons = store::ReasonsFromText(st.Text(5));
    fb.comment = st.Text(6);
    fb.created_at_ms = st.Int(7);
    out.push_back(std::move(fb));
  }
  if (!s.ok()) return s;
  return out;
}

// Reply templates (issue #3) ------------------------------------------------------------------

namespace {

constexpr std::string_view kReplyTemplateColumns =
    "id, service, title, body, intent, document_ids, status, proposed_by, proposed_at, "
    "reviewed_by, reviewed_at, decision_id";

Result<StoredReplyTemplate> ReplyTemplateFromRow(const Stmt& st) {
  StoredReplyTemplate t;
  t.id = st.Int(0);
  t.service = st.Text(1);
  t.title = st.Text(2);
  t.body = st.Text(3);
  t.intent = st.Text(4);
  PLUME_ASSIGN_OR_RETURN(t.document_ids,
                         store::ParseStringList(st.Text(5), "reply template " + st.Text(0)));
  if (!ParseReplyTemplateStatus(st.Text(6), &t.status)) {
    return DataLoss("reply template " + st.Text(0) + ": unknown status");
  }
  t.proposed_by = st.Text(7);
  t.proposed_at_ms = st.Int(8);
  t.reviewed_by = st.Text(9);
  if (!st.IsNull(10)) t.reviewed_at_ms = st.Int(10);
  if (!st.IsNull(11)) t.source_decision_id = st.Int(11);
  return t;
}

Status ValidateReplyTemplate(const StoredReplyTemplate& t) {
  if (t.service.empty() || t.body.empty() || t.proposed_by.empty()) {
    return InvalidArgument("reply template needs a service, a body and proposed_by");
  }
  return Status::Ok();
}

Status BumpReplyTemplateVersion(sqlite3* db) {
  return Exec(db,
              "INSERT INTO kb_state (key, value) VALUES ('reply_templates', 1) "
              "ON CONFLICT (key) DO UPDATE SET value = value + 1");
}

Result<StoredReplyTemplate> GetReplyTemplateFrom(sqlite3* db, int64_t id) {
  Stmt st(db,
          "SELECT " + std::string(kReplyTemplateColumns) + " FROM reply_templates WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown reply template: " + std::to_string(id)) : s;
  return ReplyTemplateFromRow(st);
}

}  // namespace

Result<Decision> SqliteStore::GetDecision(int64_t id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kDecisionColumns) + " FROM decisions WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown decision: " + std::to_string(id)) : s;
  return DecisionFromRow(st);
}

Result<int64_t> SqliteStore::CreateReplyTemplate(const StoredReplyTemplate& t) {
  PLUME_RETURN_IF_ERROR(ValidateReplyTemplate(t));
  std::lock_guard lock(mu_);
  int64_t id = 0;
  Status s = InTransaction(db_, [&]() -> Status {
    Status step;
    if (t.source_decision_id) {
      Stmt d(db_, writer_statements_.get(), "SELECT 1 FROM decisions WHERE id = ?");
      PLUME_RETURN_IF_ERROR(d.status());
      d.Bind(1, *t.source_decision_id);
      if (!d.Step(&step)) return step.ok() ? NotFound("unknown decision") : step;
      Stmt dup(db_, writer_statements_.get(),
               "SELECT 1 FROM reply_templates WHERE decision_id = ?");
      PLUME_RETURN_IF_ERROR(dup.status());
      dup.Bind(1, *t.source_decision_id);
      if (dup.Step(&step)) return AlreadyExists("this decision already has a reply template");
      PLUME_RETURN_IF_ERROR(step);
    }
    Stmt st(db_, writer_statements_.get(),
            "INSERT INTO reply_templates (service, title, body, intent, document_ids, status, "
            "proposed_by, proposed_at, reviewed_by, reviewed_at, decision_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    PLUME_RETURN_IF_ERROR(st.status());
    st.Bind(1, t.service)
        .Bind(2, t.title)
        .Bind(3, t.body)
        .Bind(4, t.intent)
        .Bind(5, store::StringListToJson(t.document_ids))
        .Bind(6, ToString(t.status))
        .Bind(7, t.proposed_by)
        .Bind(8, t.proposed_at_ms)
        .Bind(9, t.reviewed_by);
    if (t.reviewed_at_ms) {
      st.Bind(10, *t.reviewed_at_ms);
    } else {
      st.BindNull(10);
    }
    if (t.source_decision_id) {
      st.Bind(11, *t.source_decision_id);
    } else {
      st.BindNull(11);
    }
    PLUME_RETURN_IF_ERROR(st.Run());
    id = sqlite3_last_insert_rowid(db_);
    return BumpReplyTemplateVersion(db_);
  });
  if (!s.ok()) return s;
  return id;
}

Result<StoredReplyTemplate> SqliteStore::GetReplyTemplate(int64_t id) {
  ReadConnection conn = AcquireReader();
  return GetReplyTemplateFrom(conn.db(), id);
}

Result<std::vector<StoredReplyTemplate>> SqliteStore::ListReplyTemplates(
    const ReplyTemplateFilter& f) {
  if (f.limit < 1 || f.limit > 1000) return InvalidArgument("limit must be in 1..1000");
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT " + std::string(kReplyTemplateColumns) +
              " FROM reply_templates WHERE (?1 = '' OR service = ?1) AND "
              "(?2 = '' OR status = ?2) AND id > ?3 ORDER BY id LIMIT ?4");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, f.service)
      .Bind(2, f.status ? ToString(*f.status) : std::string_view(""))
      .Bind(3, f.after_id)
      .Bind(4, int64_t{f.limit});
  std::vector<StoredReplyTemplate> out;
  Status s;
  while (st.Step(&s)) {
    PLUME_ASSIGN_OR_RETURN(StoredReplyTemplate t, ReplyTemplateFromRow(st));
    out.push_back(std::move(t));
  }
  if (!s.ok()) return s;
  return out;
}

Result<StoredReplyTemplate> SqliteStore::ReviewReplyTemplate(int64_t id,
                                                             const ReplyTemplateReview& review) {
  if (review.status == ReplyTemplateStatus::kCandidate || review.reviewer.empty()) {
    return InvalidArgument("a review approves or rejects, and names its reviewer");
  }
  if (review.body && review.body->empty()) return InvalidArgument("empty reply template body");
  std::lock_guard lock(mu_);
  StoredReplyTemplate out;
  Status s = InTransaction(db_, [&]() -> Status {
    Stmt st(db_, writer_statements_.get(),
            "UPDATE reply_templates SET status = ?, reviewed_by = ?, reviewed_at = ?, "
            "body = COALESCE(?, body), title = COALESCE(?, title) WHERE id = ?");
    PLUME_RETURN_IF_ERROR(st.status());
    st.Bind(1, ToString(review.status)).Bind(2, review.reviewer).Bind(3, review.at_ms);
    if (review.body) {
      st.Bind(4, *review.body);
    } else {
      st.BindNull(4);
    }
    if (review.title) {
      st.Bind(5, *review.title);
    } else {
      st.BindNull(5);
    }
    st.Bind(6, id);
    PLUME_RETURN_IF_ERROR(st.Run());
    if (sqlite3_changes(db_) == 0) return NotFound("unknown reply template: " + std::to_string(id));
    PLUME_RETURN_IF_ERROR(BumpReplyTemplateVersion(db_));
    PLUME_ASSIGN_OR_RETURN(out, GetReplyTemplateFrom(db_, id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> SqliteStore::ReplyTemplateVersion() {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(), "SELECT value FROM kb_state WHERE key = 'reply_templates'");
  PLUME_RETURN_IF_ERROR(st.status());
  Status s;
  if (!st.Step(&s)) {
    if (!s.ok()) return s;
    return int64_t{0};
  }
  return st.Int(0);
}

// Intent routing (issue #6) ----------------------------------------------------------------------

namespace {

Status ValidateRoutingRules(const RoutingRuleSet& rules) {
  for (const ServiceQueues& q : rules.services) {
    if (q.min_confidence_permille &&
        (*q.min_confidence_permille < 0 || *q.min_confidence_permille > 1000)) {
      return InvalidArgument("min_confidence_permille must be between 0 and 1000");
    }
  }
  for (const RoutingRule& r : rules.rules) {
    if (r.intent.empty() || r.queue.empty()) {
      return InvalidArgument("routing rule without intent or queue");
    }
  }
  return Status::Ok();
}

Status ValidateCorrection(const IntentCorrectionRecord& c, const std::string& queue) {
  if (c.text.empty() || c.label.empty() || c.agent.empty() || queue.empty()) {
    return InvalidArgument("intent correction without text, label, agent or queue");
  }
  return Status::Ok();
}

}  // namespace

Result<RoutingRuleSet> SqliteStore::GetRoutingRules() {
  ReadConnection conn = AcquireReader();
  RoutingRuleSet out;
  Stmt services(conn.db(), conn.statements(),
                "SELECT service, default_queue, qualification_queue, min_confidence_permille "
                "FROM routing_services ORDER BY service");
  PLUME_RETURN_IF_ERROR(services.status());
  Status s;
  while (services.Step(&s)) {
    ServiceQueues q{services.Text(0), services.Text(1), services.Text(2), std::nullopt};
    if (!services.IsNull(3)) q.min_confidence_permille = static_cast<int>(services.Int(3));
    out.services.push_back(std::move(q));
  }
  PLUME_RETURN_IF_ERROR(s);
  Stmt rules(conn.db(), conn.statements(),
             "SELECT service, intent, queue FROM routing_rules ORDER BY service, intent");
  PLUME_RETURN_IF_ERROR(rules.status());
  while (rules.Step(&s)) out.rules.push_back({rules.Text(0), rules.Text(1), rules.Text(2)});
  PLUME_RETURN_IF_ERROR(s);
  return out;
}

Status SqliteStore::ReplaceRoutingRules(const RoutingRuleSet& rules, const AuditEntry& audit) {
  PLUME_RETURN_IF_ERROR(ValidateRoutingRules(rules));
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    PLUME_RETURN_IF_ERROR(Exec(db_, "DELETE FROM routing_services; DELETE FROM routing_rules;"));
    for (const ServiceQueues& q : rules.services) {
      Stmt st(db_, writer_statements_.get(),
              "INSERT INTO routing_services (service, default_queue, qualification_queue, "
              "min_confidence_permille) VALUES (?,?,?,?)");
      PLUME_RETURN_IF_ERROR(st.status());
      st.Bind(1, q.service).Bind(2, q.default_queue).Bind(3, q.qualification_queue);
      if (q.min_confidence_permille) {
        st.Bind(4, int64_t{*q.min_confidence_permille});
      } else {
        st.BindNull(4);
      }
      PLUME_RETURN_IF_ERROR(st.Run());
    }
    for (const RoutingRule& r : rules.rules) {
      Stmt st(db_, writer_statements_.get(),
              "INSERT INTO routing_rules (service, intent, queue) VALUES (?,?,?)");
      PLUME_RETURN_IF_ERROR(st.status());
      st.Bind(1, r.service).Bind(2, r.intent).Bind(3, r.queue);
      PLUME_RETURN_IF_ERROR(st.Run());
    }
    // Nodes cache the rules by this version (routing_service.h: StoreRouter).
    PLUME_RETURN_IF_ERROR(Exec(db_,
                               "INSERT INTO kb_state (key, value) VALUES ('routing', 1) "
                               "ON CONFLICT (key) DO UPDATE SET value = value + 1"));
    return InsertAudit(db_, audit).status();
  });
}

Result<int64_t> SqliteStore::RecordIntentCorrection(const IntentCorrectionRecord& c,
                                                    const std::string& queue,
                                                    const AuditEntry& audit) {
  PLUME_RETURN_IF_ERROR(ValidateCorrection(c, queue));
  std::lock_guard lock(mu_);
  int64_t id = 0;
  Status s = InTransaction(db_, [&]() -> Status {
    Stmt up(db_, writer_statements_.get(),
            "UPDATE messages SET intent = ?, queue = ? WHERE id = ?");
    PLUME_RETURN_IF_ERROR(up.status());
    up.Bind(1, c.label).Bind(2, queue).Bind(3, c.message_id);
    PLUME_RETURN_IF_ERROR(up.Run());
    if (sqlite3_changes(db_) == 0)
      return NotFound("unknown message: " + std::to_string(c.message_id));
    Stmt st(db_, writer_statements_.get(),
            "INSERT INTO intent_corrections (message_id, text, label, predicted, agent, "
            "created_at) VALUES (?,?,?,?,?,?)");
    PLUME_RETURN_IF_ERROR(st.status());
    st.Bind(1, c.message_id)
        .Bind(2, c.text)
        .Bind(3, c.label)
        .Bind(4, c.predicted)
        .Bind(5, c.agent)
        .Bind(6, c.created_at_ms);
    PLUME_RETURN_IF_ERROR(st.Run());
    id = sqlite3_last_insert_rowid(db_);
    AuditEntry e = audit;
    e.message_id = c.message_id;
    return InsertAudit(db_, e).status();
  });
  if (!s.ok()) return s;
  return id;
}

Result<std::vector<IntentCorrectionRecord>> SqliteStore::ListIntentCorrections(int64_t after_id,
                                                                               int limit) {
  if (limit < 1 || limit > 10000) return InvalidArgument("limit must be between 1 and 10000");
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT c.id, c.message_id, m.service, c.text, c.label, c.predicted, c.agent, "
          "c.created_at FROM intent_corrections c LEFT JOIN messages m ON m.id = c.message_id "
          "WHERE c.id > ? ORDER BY c.id LIMIT ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, after_id).Bind(2, int64_t{limit});
  std::vector<IntentCorrectionRecord> out;
  Status s;
  while (st.Step(&s)) {
    out.push_back({st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6),
                   st.Int(7)});
  }
  PLUME_RETURN_IF_ERROR(s);
  return out;
}

Status SqliteStore::SaveIntentModel(const StoredIntentModel& m) {
  if (m.version <= 0 || m.model.empty() || m.model_hash.empty()) {
    return InvalidArgument("intent model without version, bytes or hash");
  }
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    Stmt existing(db_, writer_statements_.get(),
                  "SELECT model_hash FROM intent_models WHERE version = ?");
    PLUME_RETURN_IF_ERROR(existing.status());
    existing.Bind(1, m.version);
    Status s;
    if (existing.Step(&s)) {
      if (existing.Text(0) != m.model_hash) {
        return AlreadyExists("intent model version " + std::to_string(m.version) +
                             " is stored with another hash");
      }
    } else {
      PLUME_RETURN_IF_ERROR(s);
      // The blob is bound directly: Stmt binds text only.
      sqlite3_stmt* raw = nullptr;
      constexpr std::string_view kInsert =
          "INSERT INTO intent_models (version, manifest, model_hash, model, created_at) "
          "VALUES (?,?,?,?,?)";
      if (sqlite3_prepare_v2(db_, kInsert.data(), static_cast<int>(kInsert.size()), &raw,
                             nullptr) != SQLITE_OK) {
        sqlite3_finalize(raw);
        return SqliteError(db_, "prepare");
      }
      sqlite3_bind_int64(raw, 1, m.version);
      sqlite3_bind_text(raw, 2, m.manifest.data(), static_cast<int>(m.manifest.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(raw, 3, m.model_hash.data(), static_cast<int>(m.model_hash.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_blob64(raw, 4, m.model.data(), m.model.size(), SQLITE_STATIC);
      sqlite3_bind_int64(raw, 5, m.created_at_ms);
      const int rc = sqlite3_step(raw);
      sqlite3_finalize(raw);
      if (rc != SQLITE_DONE) return SqliteError(db_, "insert intent model");
    }
    Stmt activate(db_, writer_statements_.get(), "UPDATE intent_models SET active = (version = ?)");
    PLUME_RETURN_IF_ERROR(activate.status());
    activate.Bind(1, m.version);
    return activate.Run();
  });
}

Status SqliteStore::ActivateIntentModel(int64_t version) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    Stmt check(db_, writer_statements_.get(), "SELECT 1 FROM intent_models WHERE version = ?");
    PLUME_RETURN_IF_ERROR(check.status());
    check.Bind(1, version);
    Status s;
    if (!check.Step(&s)) {
      return s.ok() ? NotFound("unknown intent model version " + std::to_string(version)) : s;
    }
    Stmt activate(db_, writer_statements_.get(), "UPDATE intent_models SET active = (version = ?)");
    PLUME_RETURN_IF_ERROR(activate.status());
    activate.Bind(1, version);
    return activate.Run();
  });
}

Result<StoredIntentModel> SqliteStore::GetActiveIntentModel() {
  ReadConnection conn = AcquireReader();
  sqlite3_stmt* raw = nullptr;
  constexpr std::string_view kSelect =
      "SELECT version, manifest, model_hash, model, created_at FROM intent_models "
      "WHERE active = 1";
  if (sqlite3_prepare_v2(conn.db(), kSelect.data(), static_cast<int>(kSelect.size()), &raw,
                         nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return SqliteError(conn.db(), "prepare");
  }
  const int rc = sqlite3_step(raw);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(raw);
    if (rc == SQLITE_DONE) return NotFound("no active intent model");
    return SqliteError(conn.db(), "select intent model");
  }
  auto text = [raw](int col) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(raw, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(raw, col))) : std::string();
  };
  StoredIntentModel m;
  m.version = sqlite3_column_int64(raw, 0);
  m.manifest = text(1);
  m.model_hash = text(2);
  m.model = text(3);
  m.created_at_ms = sqlite3_column_int64(raw, 4);
  m.active = true;
  sqlite3_finalize(raw);
  return m;
}

namespace {

// The single integer of a one-row query; `absent` when it returns no row.
Result<int64_t> QueryInt(sqlite3* db, std::string_view sql, int64_t absent) {
  Stmt st(db, sql);
  PLUME_RETURN_IF_ERROR(st.status());
  Status s;
  if (!st.Step(&s)) {
    PLUME_RETURN_IF_ERROR(s);
    return absent;
  }
  return st.Int(0);
}

}  // namespace

Result<int64_t> SqliteStore::RoutingVersion() {
  ReadConnection conn = AcquireReader();
  return QueryInt(conn.db(), "SELECT value FROM kb_state WHERE key = 'routing'", 0);
}

Result<int64_t> SqliteStore::ActiveIntentModelVersion() {
  ReadConnection conn = AcquireReader();
  return QueryInt(conn.db(), "SELECT version FROM intent_models WHERE active = 1", 0);
}

Result<int64_t> SqliteStore::ImportIntentCorrections(
    const std::vector<ImportedIntentCorrection>& corrections) {
  for (const ImportedIntentCorrection& i : corrections) {
    const IntentCorrectionRecord& c = i.correction;
    if (i.key.empty() || c.text.empty() || c.label.empty() || c.agent.empty()) {
      return InvalidArgument("imported intent correction without key, text, label or agent");
    }
  }
  std::lock_guard lock(mu_);
  int64_t added = 0;
  Status s = InTransaction(db_, [&]() -> Status {
    for (const ImportedIntentCorrection& i : corrections) {
      const IntentCorrectionRecord& c = i.correction;
      Stmt st(db_,
              "INSERT INTO intent_corrections (message_id, text, label, predicted, agent, "
              "created_at, import_key) VALUES (NULL,?,?,?,?,?,?) "
              "ON CONFLICT (import_key) DO NOTHING");
      PLUME_RETURN_IF_ERROR(st.status());
      st.Bind(1, c.text)
          .Bind(2, c.label)
          .Bind(3, c.predicted)
          .Bind(4, c.agent)
          .Bind(5, c.created_at_ms)
          .Bind(6, i.key);
      PLUME_RETURN_IF_ERROR(st.Run());
      added += sqlite3_changes(db_);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return added;
}

// --- E-mail channel (issue #7)
// -------------------------------------------------------------------------------------

namespace {

// Values joined by '\n' in one TEXT column (message ids and addresses never contain one).
std::string JoinLines(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += '\n';
    out += v;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

Status ValidateLines(const std::vector<std::string>& values, std::string_view what) {
  for (const std::string& v : values) {
    if (v.empty() || v.find('\n') != std::string::npos) {
      return InvalidArgument(std::string(what) + ": empty value or line break");
    }
  }
  return Status::Ok();
}

constexpr std::string_view kOutboxSelect =
    "SELECT o.id, o.message_id, m.service, o.decision_id, o.rfc_message_id, o.envelope_from, "
    "o.recipients, o.raw, o.state, o.attempts, o.next_attempt_at, o.last_error, o.created_at, "
    "o.sent_at FROM mail_outbox o JOIN messages m ON m.id = o.message_id ";

MailOutboxEntry OutboxFromRow(const Stmt& st) {
  MailOutboxEntry e;
  e.id = st.Int(0);
  e.message_id = st.Int(1);
  e.service = st.Text(2);
  if (!st.IsNull(3)) e.decision_id = st.Int(3);
  e.rfc_message_id = st.Text(4);
  e.envelope_from = st.Text(5);
  e.recipients = SplitLines(st.Text(6));
  e.raw = st.Text(7);
  (void)ParseMailOutboxState(st.Text(8), &e.state);
  e.attempts = static_cast<int>(st.Int(9));
  e.next_attempt_ms = st.Int(10);
  e.last_error = st.Text(11);
  e.created_ms = st.Int(12);
  e.sent_ms = st.Int(13);
  return e;
}

EmailAttachment AttachmentFromRow(const Stmt& st, bool with_data) {
  EmailAttachment a;
  a.id = st.Int(0);
  a.message_id = st.Int(1);
  a.filename = st.Text(2);
  a.content_type = st.Text(3);
  a.size = st.Int(4);
  a.sha256 = st.Text(5);
  a.dropped = st.Int(6) != 0;
  if (with_data) a.data = st.Blob(7);
  return a;
}

}  // namespace

Status SqliteStore::SaveEmailEnvelope(const EmailEnvelope& env,
                                      const std::vector<EmailAttachment>& attachments) {
  PLUME_RETURN_IF_ERROR(ValidateLines(env.references, "references"));
  for (const EmailAttachment& a : attachments) {
    if (a.data.size() > kMaxEmailAttachmentBytes) {
      return InvalidArgument("attachment larger than the limit");
    }
    if (a.size < 0) return InvalidArgument("negative attachment size");
  }
  std::lock_guard lock(mu_);
  return InTransaction(db_, [&]() -> Status {
    Stmt check(db_, writer_statements_.get(), "SELECT 1 FROM messages WHERE id = ?");
    PLUME_RETURN_IF_ERROR(check.status());
    check.Bind(1, env.message_id);
    Status s;
    if (!check.Step(&s)) return s.ok() ? NotFound("unknown message") : s;
    Stmt exists(db_, writer_statements_.get(),
                "SELECT 1 FROM email_envelopes WHERE message_id = ?");
    PLUME_RETURN_IF_ERROR(exists.status());
    exists.Bind(1, env.message_id);
    if (exists.Step(&s)) return AlreadyExists("message already has an e-mail envelope");
    PLUME_RETURN_IF_ERROR(s);
    Stmt st(db_, writer_statements_.get(),
            "INSERT INTO email_envelopes (message_id, rfc_message_id, in_reply_to, refs, "
            "thread_parent_id) VALUES (?,?,?,?,?)");
    PLUME_RETURN_IF_ERROR(st.status());
    st.Bind(1, env.message_id)
        .Bind(2, env.rfc_message_id)
        .Bind(3, env.in_reply_to)
        .Bind(4, JoinLines(env.references));
    if (env.thread_parent_id) {
      st.Bind(5, *env.thread_parent_id);
    } else {
      st.BindNull(5);
    }
    PLUME_RETURN_IF_ERROR(st.Run());
    Stmt att(db_, writer_statements_.get(),
             "INSERT INTO email_attachments (message_id, filename, content_type, size, sha256, "
             "dropped, bytes) VALUES (?,?,?,?,?,?,?)");
    PLUME_RETURN_IF_ERROR(att.status());
    for (const EmailAttachment& a : attachments) {
      att.Reset();
      att.Bind(1, env.message_id)
          .Bind(2, a.filename)
          .Bind(3, a.content_type)
          .Bind(4, a.size)
          .Bind(5, a.sha256)
          .Bind(6, int64_t{a.dropped ? 1 : 0})
          .BindBlob(7, a.data);
      PLUME_RETURN_IF_ERROR(att.Run());
    }
    return Status::Ok();
  });
}

Result<EmailEnvelope> SqliteStore::GetEmailEnvelope(int64_t message_id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT e.message_id, m.service, e.rfc_message_id, e.in_reply_to, e.refs, "
          "e.thread_parent_id FROM email_envelopes e JOIN messages m ON m.id = e.message_id "
          "WHERE e.message_id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, message_id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("no e-mail envelope for this message") : s;
  EmailEnvelope e;
  e.message_id = st.Int(0);
  e.service = st.Text(1);
  e.rfc_message_id = st.Text(2);
  e.in_reply_to = st.Text(3);
  e.references = SplitLines(st.Text(4));
  if (!st.IsNull(5)) e.thread_parent_id = st.Int(5);
  return e;
}

Result<std::optional<int64_t>> SqliteStore::FindMessageByRfcMessageId(
    const std::string& service, const std::string& rfc_message_id) {
  if (rfc_message_id.empty()) return std::optional<int64_t>();
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT e.message_id FROM email_envelopes e JOIN messages m ON m.id = e.message_id "
          "WHERE e.rfc_message_id = ? AND m.service = ? UNION ALL "
          "SELECT o.message_id FROM mail_outbox o JOIN messages m ON m.id = o.message_id "
          "WHERE o.rfc_message_id = ? AND m.service = ? LIMIT 1");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, rfc_message_id).Bind(2, service).Bind(3, rfc_message_id).Bind(4, service);
  Status s;
  if (!st.Step(&s)) {
    if (!s.ok()) return s;
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(st.Int(0));
}

Result<std::vector<EmailAttachment>> SqliteStore::ListEmailAttachments(int64_t message_id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT id, message_id, filename, content_type, size, sha256, dropped FROM "
          "email_attachments WHERE message_id = ? ORDER BY id");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, message_id);
  std::vector<EmailAttachment> out;
  Status s;
  while (st.Step(&s)) out.push_back(AttachmentFromRow(st, false));
  if (!s.ok()) return s;
  return out;
}

Result<EmailAttachment> SqliteStore::GetEmailAttachment(int64_t id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(),
          "SELECT id, message_id, filename, content_type, size, sha256, dropped, bytes FROM "
          "email_attachments WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown attachment") : s;
  return AttachmentFromRow(st, true);
}

Result<int64_t> SqliteStore::EnqueueMail(const MailOutboxEntry& e) {
  if (e.envelope_from.empty() || e.recipients.empty()) {
    return InvalidArgument("outbox entry without sender or recipient");
  }
  PLUME_RETURN_IF_ERROR(ValidateLines(e.recipients, "recipients"));
  std::lock_guard lock(mu_);
  Stmt check(db_, writer_statements_.get(), "SELECT 1 FROM messages WHERE id = ?");
  PLUME_RETURN_IF_ERROR(check.status());
  check.Bind(1, e.message_id);
  Status s;
  if (!check.Step(&s)) return s.ok() ? NotFound("unknown message") : s;
  Stmt st(db_, writer_statements_.get(),
          "INSERT INTO mail_outbox (message_id, decision_id, rfc_message_id, envelope_from, "
          "recipients, raw, state, attempts, next_attempt_at, last_error, created_at, sent_at) "
          "VALUES (?,?,?,?,?,?,'pending',0,?,'',?,0)");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, e.message_id);
  if (e.decision_id) {
    st.Bind(2, *e.decision_id);
  } else {
    st.BindNull(2);
  }
  st.Bind(3, e.rfc_message_id)
      .Bind(4, e.envelope_from)
      .Bind(5, JoinLines(e.recipients))
      .Bind(6, e.raw)
      .Bind(7, e.next_attempt_ms)
      .Bind(8, e.created_ms);
  PLUME_RETURN_IF_ERROR(st.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::vector<MailOutboxEntry>> SqliteStore::ListMailOutbox(const MailOutboxFilter& f) {
  if (f.limit < 1 || f.limit > 1000) return InvalidArgument("limit must be in 1..1000");
  // Only the filters in use appear in the SQL, so SQLite can pick the index that fits (one
  // message's entries, due entries) instead of one plan for every combination.
  std::string sql = std::string(kOutboxSelect) + "WHERE o.id > ?";
  if (!f.service.empty()) sql += " AND m.service = ?";
  if (f.state) sql += " AND o.state = ?";
  if (f.message_id) sql += " AND o.message_id = ?";
  if (f.due_at_ms) sql += " AND o.next_attempt_at <= ?";
  sql += " ORDER BY o.id LIMIT ?";
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(), sql);
  PLUME_RETURN_IF_ERROR(st.status());
  int param = 1;
  st.Bind(param++, f.after_id);
  if (!f.service.empty()) st.Bind(param++, f.service);
  if (f.state) st.Bind(param++, ToString(*f.state));
  if (f.message_id) st.Bind(param++, *f.message_id);
  if (f.due_at_ms) st.Bind(param++, *f.due_at_ms);
  st.Bind(param, int64_t{f.limit});
  std::vector<MailOutboxEntry> out;
  Status s;
  while (st.Step(&s)) out.push_back(OutboxFromRow(st));
  if (!s.ok()) return s;
  return out;
}

Result<MailOutboxEntry> SqliteStore::GetMailOutboxEntry(int64_t id) {
  ReadConnection conn = AcquireReader();
  Stmt st(conn.db(), conn.statements(), std::string(kOutboxSelect) + "WHERE o.id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, id);
  Status s;
  if (!st.Step(&s)) return s.ok() ? NotFound("unknown outbox entry") : s;
  return OutboxFromRow(st);
}

Result<std::vector<MailOutboxEntry>> SqliteStore::ClaimMailOutbox(const std::string& claimer,
                                                                  int64_t now_ms, int64_t lease_ms,
                                                                  int limit) {
  if (claimer.empty() || lease_ms <= 0) {
    return InvalidArgument("an outbox claim needs a claimer and a positive lease");
  }
  if (limit < 1 || limit > 1000) return InvalidArgument("limit must be in 1..1000");
  std::lock_guard lock(mu_);
  std::vector<MailOutboxEntry> out;
  // BEGIN IMMEDIATE: another process's sender waits for this claim to commit.
  Status s = InTransaction(db_, [&]() -> Status {
    out.clear();
    {
      Stmt pick(db_, writer_statements_.get(),
                std::string(kOutboxSelect) +
                    "WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND o.lease_until <= ? "
                    "ORDER BY o.id LIMIT ?");
      PLUME_RETURN_IF_ERROR(pick.status());
      pick.Bind(1, now_ms).Bind(2, now_ms).Bind(3, int64_t{limit});
      Status step;
      while (pick.Step(&step)) out.push_back(OutboxFromRow(pick));
      PLUME_RETURN_IF_ERROR(step);
    }
    Stmt claim(db_, writer_statements_.get(),
               "UPDATE mail_outbox SET claimed_by = ?, lease_until = ? WHERE id = ?");
    PLUME_RETURN_IF_ERROR(claim.status());
    for (const MailOutboxEntry& e : out) {
      claim.Bind(1, claimer).Bind(2, now_ms + lease_ms).Bind(3, e.id);
      PLUME_RETURN_IF_ERROR(claim.Run());
      claim.Reset();
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteStore::MarkMailSent(int64_t id, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "UPDATE mail_outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, "
          "last_error = '', claimed_by = '', lease_until = 0 WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, now_ms).Bind(2, id);
  PLUME_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db_) == 0) return NotFound("unknown outbox entry");
  return Status::Ok();
}

Status SqliteStore::MarkMailAttemptFailed(int64_t id, int attempts, int64_t next_attempt_ms,
                                          const std::string& error, bool give_up) {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "UPDATE mail_outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, "
          "state = CASE WHEN ? = 1 THEN 'failed' ELSE state END, claimed_by = '', "
          "lease_until = 0 WHERE id = ?");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, int64_t{attempts})
      .Bind(2, next_attempt_ms)
      .Bind(3, error)
      .Bind(4, int64_t{give_up ? 1 : 0})
      .Bind(5, id);
  PLUME_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db_) == 0) return NotFound("unknown outbox entry");
  return Status::Ok();
}

Status SqliteStore::RetryMail(int64_t id, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Stmt st(db_, writer_statements_.get(),
          "UPDATE mail_outbox SET state = 'pending', next_attempt_at = ? "
          "WHERE id = ? AND state = 'failed'");
  PLUME_RETURN_IF_ERROR(st.status());
  st.Bind(1, now_ms).Bind(2, id);
  PLUME_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(db_) != 0) return Status::Ok();
  Stmt exists(db_, writer_statements_.get(), "SELECT 1 FROM mail_outbox WHERE id = ?");
  PLUME_RETURN_IF_ERROR(exists.status());
  exists.Bind(1, id);
  Status s;
  if (exists.Step(&s)) return FailedPrecondition("outbox entry is not failed");
  PLUME_RETURN_IF_ERROR(s);
  return NotFound("unknown outbox entry");
}

}  // namespace plume
