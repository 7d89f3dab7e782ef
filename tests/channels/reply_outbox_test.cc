#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "channels/mime_parser.h"
#include "channels/outbox.h"
#include "channels/outbox_worker.h"
#include "channels/reply_builder.h"
#include "channels/store_mail_state.h"
#include "plume/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"
#include "util/text.h"

namespace plume::channels {
namespace {

OutgoingReply SampleReply() {
  OutgoingReply r;
  r.from_name = "Mairie de Saint-Étienne\r\nBcc: pirate@example.org";
  r.from_email = "accueil@mairie.example";
  r.to_name = "Renée Lefèvre";
  r.to_email = "renee@example.fr";
  r.subject = "Demande d'acte — été\r\nX-Injected: oui";
  r.text = "Bonjour Madame,\n\nVotre acte est prêt <à retirer> & signé.\nCordialement.";
  r.satisfaction_url = "https://avis.example/r?id=42&t=x";
  r.in_reply_to = "abc.123@example.fr";
  r.references = {"root@example.fr"};
  r.date_ms = 1717409520000;
  return r;
}

TEST(ReplyBuilderTest, RoundTripKeepsHeadersAndBothParts) {
  auto built = BuildReplyMime(SampleReply());
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const std::string& raw = built->raw;
  // Headers are single lines: no injected header survives.
  EXPECT_EQ(raw.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(raw.find("\r\nX-Injected:"), std::string::npos);
  EXPECT_NE(raw.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(raw.find("\r\nIn-Reply-To: <abc.123@example.fr>\r\n"), std::string::npos);
  EXPECT_NE(raw.find("\r\nReferences: <root@example.fr> <abc.123@example.fr>\r\n"),
            std::string::npos);
  size_t subject = raw.find("\r\nSubject: ");
  ASSERT_NE(subject, std::string::npos);
  std::string subject_line = raw.substr(subject, raw.find("\r\n", subject + 2) - subject);
  EXPECT_NE(subject_line.find("=?UTF-8?"), std::string::npos) << subject_line;  // RFC 2047
  for (char c : raw) ASSERT_LT(static_cast<unsigned char>(c), 0x80) << "8-bit byte in output";
  size_t lf = 0;
  while ((lf = raw.find('\n', lf + 1)) != std::string::npos) ASSERT_EQ(raw[lf - 1], '\r');

  auto parsed = ParseEmail(raw);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->subject, "Re: Demande d'acte — été X-Injected: oui");
  EXPECT_EQ(parsed->from_email, "accueil@mairie.example");
  EXPECT_EQ(parsed->from_name, "Mairie de Saint-Étienne Bcc: pirate@example.org");
  EXPECT_EQ(parsed->message_id, built->message_id);
  EXPECT_EQ(parsed->in_reply_to, "abc.123@example.fr");
  ASSERT_EQ(parsed->references.size(), 2u);
  ASSERT_TRUE(parsed->date_ms.has_value());
  EXPECT_EQ(*parsed->date_ms, 1717409520000);
  EXPECT_NE(parsed->full_body.find("Votre acte est prêt <à retirer> & signé."), std::string::npos);
  EXPECT_NE(parsed->full_body.find("https://avis.example/r?id=42&t=x"), std::string::npos);
  EXPECT_NE(raw.find("&lt;=C3=A0 retirer&gt; &amp; sign=C3=A9"), std::string::npos);  // HTML part
}

TEST(ReplyBuilderTest, RecipientNameAndReferencesCannotAddHeaders) {
  OutgoingReply r = SampleReply();
  r.to_name = "Jeanne\r\nBcc: pirate@example.org\nX-Evil: 1";
  r.subject = "Objet\nCc: autre@example.org";
  auto built = BuildReplyMime(r);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  for (const char* header : {"\nBcc:", "\nX-Evil:", "\nCc:"}) {
    EXPECT_EQ(built->raw.find(header), std::string::npos) << header;
  }
  auto parsed = ParseEmail(built->raw);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->subject, "Re: Objet Cc: autre@example.org");
  r = SampleReply();
  r.references = {"ok@example.fr", "x@y>\r\nBcc: pirate@example.org"};
  EXPECT_EQ(BuildReplyMime(r).status().code(), StatusCode::kInvalidArgument);
}

TEST(ReplyBuilderTest, RejectsBadInput) {
  OutgoingReply r = SampleReply();
  r.to_email = "victim@example.org\r\nRCPT TO:<x@y>";
  EXPECT_EQ(BuildReplyMime(r).status().code(), StatusCode::kInvalidArgument);
  r = SampleReply();
  r.in_reply_to = "id>\r\nBcc: x@y";
  EXPECT_EQ(BuildReplyMime(r).status().code(), StatusCode::kInvalidArgument);
  r = SampleReply();
  r.satisfaction_url = "javascript:alert(1)";
  EXPECT_EQ(BuildReplyMime(r).status().code(), StatusCode::kInvalidArgument);
  r = SampleReply();
  r.text = "\xFF";
  EXPECT_EQ(BuildReplyMime(r).status().code(), StatusCode::kInvalidArgument);
  r = SampleReply();
  r.text = "  ";
  EXPECT_EQ(BuildReplyMime(r).status().code(), StatusCode::kInvalidArgument);
}

// Scripted SMTP: returns the queued statuses in order, then OK.
class ScriptedSender final : public SmtpSender {
 public:
  Status Send(const std::string&, const std::vector<std::string>&, std::string_view) override {
    ++calls;
    if (script.empty()) return Status::Ok();
    Status s = script.front();
    script.erase(script.begin());
    return s;
  }
  std::vector<Status> script;
  int calls = 0;
};

// The outbox of a real SQLite store, with one message to answer.
class StoreOutboxFixture {
 public:
  StoreOutboxFixture() {
    auto s = SqliteStore::Open((dir_.path() / "plume.db").string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    Message m;
    m.service = "mairie-35";
    m.body = "Question";
    message_id = *store_->CreateMessage(m);
  }
  int64_t message_id = 0;
  Store* store() { return store_.get(); }

 private:
  plume::testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST(OutboxSenderTest, TransientFailuresBackOffThenSend) {
  StoreOutboxFixture fx;
  StoreOutbox outbox(fx.store());
  ScriptedSender smtp;
  smtp.script = {Unavailable("connection refused"), Unavailable("421 busy")};
  FakeClock clock(1'000'000);
  OutboxSender sender(&outbox, &smtp, &clock);
  OutboxEntry e;
  e.message_id = fx.message_id;
  e.envelope_from = "a@b.fr";
  e.recipients = {"c@d.fr"};
  e.raw = "x";
  auto id = outbox.Enqueue(e);
  ASSERT_TRUE(id.ok());

  auto r1 = sender.RunOnce();
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->retried, 1);
  auto got = outbox.Get(*id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, OutboxState::kPending);
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(got->next_attempt_ms, 1'060'000);
  EXPECT_NE(got->last_error.find("connection refused"), std::string::npos);

  clock.Advance(59'999);
  auto r2 = sender.RunOnce();  // not due yet
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(smtp.calls, 1);
  clock.Advance(1);
  ASSERT_TRUE(sender.RunOnce().ok());  // second failure: next in 5 minutes
  EXPECT_EQ(outbox.Get(*id)->next_attempt_ms, 1'060'000 + 300'000);
  clock.Advance(300'000);
  auto r3 = sender.RunOnce();
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->sent, 1);
  EXPECT_EQ(outbox.Get(*id)->state, OutboxState::kSent);
  EXPECT_EQ(outbox.Get(*id)->sent_ms, 1'360'000);
}

TEST(OutboxSenderTest, PermanentOrExhaustedFailuresStayVisible) {
  StoreOutboxFixture fx;
  StoreOutbox outbox(fx.store());
  ScriptedSender smtp;
  FakeClock clock(0);
  RetryPolicy policy;
  policy.backoff_ms = {10, 20};
  OutboxSender sender(&outbox, &smtp, &clock, policy);
  OutboxEntry e;
  e.message_id = fx.message_id;
  e.envelope_from = "a@b.fr";
  e.recipients = {"c@d.fr"};
  auto permanent = outbox.Enqueue(e);
  smtp.script = {FailedPrecondition("550 unknown user")};
  auto r = sender.RunOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(outbox.Get(*permanent)->state, OutboxState::kFailed);
  EXPECT_EQ(outbox.Get(*permanent)->attempts, 1);

  auto flaky = outbox.Enqueue(e);
  smtp.script = {Unavailable("a"), Unavailable("b"), Unavailable("c")};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(sender.RunOnce().ok());
    clock.Advance(100);
  }
  auto got = outbox.Get(*flaky);
  EXPECT_EQ(got->state, OutboxState::kFailed);
  EXPECT_EQ(got->attempts, 3);
  EXPECT_NE(got->last_error.find("c"), std::string::npos);
  auto failed = outbox.ListByState(OutboxState::kFailed, 10);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->size(), 2u);

  ASSERT_TRUE(outbox.Retry(*flaky, clock.NowMillis()).ok());
  auto again = sender.RunOnce();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sent, 1);
}

// The sender thread of `plume serve`: a pass at start, one per Wake(), and a prompt Stop() even
// with an interval of an hour (no sleep, no timing: passes are counted).
TEST(OutboxWorkerTest, RunsAtStartAndOnWakeThenStopsCleanly) {
  StoreOutboxFixture fx;
  StoreOutbox outbox(fx.store());
  ScriptedSender smtp;
  FakeClock clock(1'000);
  OutboxSender sender(&outbox, &smtp, &clock);
  OutboxEntry e;
  e.message_id = fx.message_id;
  e.envelope_from = "a@b.fr";
  e.recipients = {"c@d.fr"};
  e.raw = "x";
  auto first = outbox.Enqueue(e);
  ASSERT_TRUE(first.ok());
  std::atomic<int> sent{0};
  OutboxWorker worker(&sender, std::chrono::hours(1), [&](const Result<SendReport>& r) {
    if (r.ok()) sent += r->sent;
  });
  worker.Start();
  worker.WaitForPasses(1);
  EXPECT_EQ(sent.load(), 1);
  EXPECT_EQ(outbox.Get(*first)->state, OutboxState::kSent);

  auto second = outbox.Enqueue(e);
  ASSERT_TRUE(second.ok());
  worker.Wake();
  worker.WaitForPasses(2);
  EXPECT_EQ(sent.load(), 2);
  EXPECT_EQ(outbox.Get(*second)->state, OutboxState::kSent);
  worker.Stop();
  EXPECT_EQ(worker.passes(), 2);
  EXPECT_EQ(smtp.calls, 2);
  worker.Stop();  // idempotent
}

// Records every e-mail handed to it (thread-safe); optionally advances a fake clock per send,
// as a slow SMTP server would.
class RecordingSender final : public SmtpSender {
 public:
  Status Send(const std::string&, const std::vector<std::string>&, std::string_view raw) override {
    std::lock_guard lock(mu_);
    sent_.emplace_back(raw);
    if (clock_) clock_->Advance(advance_ms_);
    return Status::Ok();
  }
  std::vector<std::string> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  FakeClock* clock_ = nullptr;
  int64_t advance_ms_ = 0;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> sent_;
};

std::vector<int64_t> EnqueueMany(StoreOutbox& outbox, int64_t message_id, int n) {
  std::vector<int64_t> ids;
  for (int i = 0; i < n; ++i) {
    OutboxEntry e;
    e.message_id = message_id;
    e.envelope_from = "a@b.fr";
    e.recipients = {"c@d.fr"};
    e.raw = "mail-" + std::to_string(i);
    auto id = outbox.Enqueue(e);
    EXPECT_TRUE(id.ok());
    if (id.ok()) ids.push_back(*id);
  }
  return ids;
}

// Two senders (two `plume serve` nodes) on one outbox, running at the same time: every e-mail
// leaves once.
TEST(OutboxSenderTest, TwoSendersNeverSendOneEmailTwice) {
  StoreOutboxFixture fx;
  StoreOutbox node1(fx.store(), "node-1");
  StoreOutbox node2(fx.store(), "node-2");
  const std::vector<int64_t> ids = EnqueueMany(node1, fx.message_id, 30);
  RecordingSender smtp;
  FakeClock clock(1'000);
  RetryPolicy policy;
  policy.claim_batch = 2;
  OutboxSender a(&node1, &smtp, &clock, policy);
  OutboxSender b(&node2, &smtp, &clock, policy);
  std::atomic<int> sent{0};
  std::thread ta([&] { sent += a.RunOnce().value().sent; });
  std::thread tb([&] { sent += b.RunOnce().value().sent; });
  ta.join();
  tb.join();
  EXPECT_EQ(sent.load(), 30);
  std::vector<std::string> mails = smtp.sent();
  std::sort(mails.begin(), mails.end());
  EXPECT_EQ(std::adjacent_find(mails.begin(), mails.end()), mails.end()) << "an e-mail left twice";
  EXPECT_EQ(mails.size(), 30u);
  for (int64_t id : ids) EXPECT_EQ(node1.Get(id)->state, OutboxState::kSent);
}

// A sender that crashed after claiming: its entries wait for the lease, then another sends them.
TEST(OutboxSenderTest, ACrashedSendersClaimsAreSentAfterTheLease) {
  StoreOutboxFixture fx;
  StoreOutbox crashed(fx.store(), "node-1");
  StoreOutbox survivor(fx.store(), "node-2");
  EnqueueMany(crashed, fx.message_id, 3);
  FakeClock clock(1'000);
  RetryPolicy policy;
  ASSERT_EQ(crashed.Claim(clock.NowMillis(), policy.lease_ms, 100)->size(), 3u);  // then dies
  RecordingSender smtp;
  OutboxSender sender(&survivor, &smtp, &clock, policy);
  EXPECT_EQ(sender.RunOnce()->sent, 0);
  clock.Advance(policy.lease_ms - 1);
  EXPECT_EQ(sender.RunOnce()->sent, 0);
  clock.Advance(1);
  EXPECT_EQ(sender.RunOnce()->sent, 3);
  EXPECT_EQ(smtp.sent().size(), 3u);
}

// A sender slower than its lease stops sending what it claimed: another may hold it by now.
TEST(OutboxSenderTest, ClaimsWhoseLeaseRanOutAreNotSent) {
  StoreOutboxFixture fx;
  StoreOutbox outbox(fx.store(), "node-1");
  EnqueueMany(outbox, fx.message_id, 3);
  FakeClock clock(1'000);
  RetryPolicy policy;
  policy.lease_ms = 60'000;
  RecordingSender smtp;
  smtp.clock_ = &clock;
  smtp.advance_ms_ = 60'000;  // the first delivery takes the whole lease
  OutboxSender slow(&outbox, &smtp, &clock, policy);
  auto r = slow.RunOnce();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 1);
  EXPECT_EQ(r->expired, 2);
  EXPECT_EQ(smtp.sent().size(), 1u);
  smtp.advance_ms_ = 0;
  auto next = slow.RunOnce();  // the lease is over: claimed again and sent
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->sent, 2);
  EXPECT_EQ(smtp.sent(), (std::vector<std::string>{"mail-0", "mail-1", "mail-2"}));
}

}  // namespace
}  // namespace plume::channels
