// Against real servers: Postfix (SMTP) delivers into the maildir Dovecot (IMAP) serves.
#include "mail_servers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "channels/mail_poller.h"
#include "channels/mail_transport.h"
#include "channels/mime_parser.h"
#include "channels/outbox.h"
#include "channels/reply_builder.h"
#include "channels/store_mail_state.h"
#include "plume/clock.h"
#include "plume_http_fixture.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume::channels {
namespace {

using testing::MailServers;

class MailServersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new plume::testing::TempDir();
    auto s = MailServers::Start(dir_->path());
    if (s.ok()) {
      servers_ = std::move(s).value().release();
    } else {
      *start_error_ = s.status().ToString();
    }
  }
  static void TearDownTestSuite() {
    delete servers_;
    servers_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!servers_) {
      const char* ci = std::getenv("CI");
      if (ci && std::string(ci) == "true") {
        FAIL() << "les serveurs de test Dovecot/Postfix n'ont pas démarré en CI : "
               << *start_error_;
      }
      GTEST_SKIP() << "mail test servers unavailable here: " << *start_error_;
    }
    auto mb = CurlImapMailbox::Create(ImapConfig());
    ASSERT_TRUE(mb.ok()) << mb.status().ToString();
    mailbox_ = std::move(mb).value();
    // Each test starts from an empty unseen list.
    auto unseen = mailbox_->ListUnseen("");
    ASSERT_TRUE(unseen.ok()) << unseen.status().ToString();
    for (uint32_t uid : *unseen) ASSERT_TRUE(mailbox_->AddFlag(uid, "\\Seen").ok());
  }

  static MailServerConfig ImapConfig() {
    MailServerConfig c;
    c.url = servers_->ImapUrl();
    c.username = MailServers::kUser;
    c.password = MailServers::kPassword;
    c.tls = TlsMode::kNone;  // loopback only
    return c;
  }
  static MailServerConfig SmtpConfig() {
    MailServerConfig c;
    c.url = servers_->SmtpUrl();
    c.tls = TlsMode::kNone;
    return c;
  }

  // Waits (bounded, 20 s) for `count` unseen messages: Postfix delivers asynchronously.
  std::vector<uint32_t> WaitForUnseen(size_t count) {
    std::vector<uint32_t> uids;
    for (int i = 0; i < 200; ++i) {
      auto u = mailbox_->ListUnseen("");
      if (u.ok() && u->size() >= count) return *u;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return uids;
  }

  static plume::testing::TempDir* dir_;
  static MailServers* servers_;
  static std::string* start_error_;
  std::unique_ptr<CurlImapMailbox> mailbox_;
};

plume::testing::TempDir* MailServersTest::dir_ = nullptr;
MailServers* MailServersTest::servers_ = nullptr;
std::string* MailServersTest::start_error_ = new std::string();

OutgoingReply Reply(const std::string& subject) {
  OutgoingReply r;
  r.from_name = "Mairie de Saint-Étienne\r\nBcc: pirate@example.org";
  r.from_email = "accueil@mairie.example";
  r.to_name = "Usager";
  r.to_email = MailServers::kCitizenAddress;
  r.subject = subject;
  r.text = "Bonjour,\n\nVotre demande est traitée.\nCordialement.";
  r.satisfaction_url = "https://avis.example/r?id=7";
  r.in_reply_to = "citoyen-1@example.fr";
  r.references = {"citoyen-0@example.fr"};
  r.date_ms = 1717409520000;
  return r;
}

TEST_F(MailServersTest, SmtpReplyArrivesWithHeadersIntact) {
  auto built = BuildReplyMime(Reply("Acte de naissance — urgent"));
  ASSERT_TRUE(built.ok());
  auto smtp = CurlSmtpSender::Create(SmtpConfig());
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  Status sent = (*smtp)->Send("accueil@mairie.example", {MailServers::kCitizenAddress}, built->raw);
  ASSERT_TRUE(sent.ok()) << sent.ToString();

  std::vector<uint32_t> uids = WaitForUnseen(1);
  ASSERT_EQ(uids.size(), 1u) << "Postfix did not deliver the reply";
  auto raw = mailbox_->Fetch(uids[0], 10u << 20);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  // Fetching used BODY.PEEK: the message is still unseen.
  auto still = mailbox_->ListUnseen("");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->size(), 1u);

  auto got = ParseEmail(*raw);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->subject, "Re: Acte de naissance — urgent");
  EXPECT_EQ(got->message_id, built->message_id);
  EXPECT_EQ(got->in_reply_to, "citoyen-1@example.fr");
  ASSERT_EQ(got->references.size(), 2u);
  EXPECT_EQ(got->references[0], "citoyen-0@example.fr");
  EXPECT_EQ(got->from_email, "accueil@mairie.example");
  EXPECT_EQ(got->from_name, "Mairie de Saint-Étienne Bcc: pirate@example.org");
  EXPECT_EQ(raw->find("\nBcc:"), std::string::npos);
  EXPECT_NE(got->full_body.find("Votre demande est traitée."), std::string::npos);
  EXPECT_NE(got->full_body.find("https://avis.example/r?id=7"), std::string::npos);
}

// Sends through a dead port first, then through Postfix: what the retry loop sees when the MTA
// comes back.
class SwitchSender final : public SmtpSender {
 public:
  Status Send(const std::string& from, const std::vector<std::string>& to,
              std::string_view raw) override {
    return current->Send(from, to, raw);
  }
  SmtpSender* current = nullptr;
};

TEST_F(MailServersTest, OutboxRetriesThenDeliversAndKeepsRefusals) {
  MailServerConfig dead = SmtpConfig();
  dead.url = "smtp://127.0.0.1:1";
  auto dead_sender = CurlSmtpSender::Create(dead);
  auto real_sender = CurlSmtpSender::Create(SmtpConfig());
  ASSERT_TRUE(dead_sender.ok() && real_sender.ok());
  SwitchSender smtp;
  smtp.current = dead_sender->get();
  auto store = SqliteStore::Open((dir_->path() / "outbox.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Message answered;
  answered.service = "mairie";
  answered.body = "Question";
  auto message_id = (*store)->CreateMessage(answered);
  ASSERT_TRUE(message_id.ok());
  StoreOutbox outbox(store->get());
  FakeClock clock(1717409520000);
  OutboxSender sender(&outbox, &smtp, &clock);

  auto built = BuildReplyMime(Reply("Retry"));
  ASSERT_TRUE(built.ok());
  OutboxEntry e;
  e.message_id = *message_id;
  e.envelope_from = "accueil@mairie.example";
  e.recipients = {MailServers::kCitizenAddress};
  e.raw = built->raw;
  e.rfc_message_id = built->message_id;
  auto id = outbox.Enqueue(e);
  ASSERT_TRUE(id.ok());
  auto first = sender.RunOnce();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->retried, 1);
  EXPECT_EQ(outbox.Get(*id)->state, OutboxState::kPending);
  EXPECT_EQ(outbox.Get(*id)->attempts, 1);
  EXPECT_FALSE(outbox.Get(*id)->last_error.empty());
  clock.Advance(59'999);  // not due yet: nothing tried
  auto early = sender.RunOnce();
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->sent + early->retried + early->failed, 0);
  clock.Advance(1);

  smtp.current = real_sender->get();
  auto second = sender.RunOnce();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->sent, 1);
  EXPECT_EQ(outbox.Get(*id)->state, OutboxState::kSent);
  ASSERT_EQ(WaitForUnseen(1).size(), 1u);

  // An unknown recipient is refused by Postfix (5xx): failed at once, kept with the error.
  auto refused_built = BuildReplyMime(Reply("Inconnu"));
  ASSERT_TRUE(refused_built.ok());
  e.recipients = {"inconnu@citoyen.test"};
  e.raw = refused_built->raw;
  auto refused = outbox.Enqueue(e);
  auto third = sender.RunOnce();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->failed, 1);
  auto entry = outbox.Get(*refused);
  EXPECT_EQ(entry->state, OutboxState::kFailed);
  EXPECT_NE(entry->last_error.find("55"), std::string::npos) << entry->last_error;
}

// Fails the first \Seen flag, as a crash between storing and flagging would.
class FlakyFlagMailbox final : public ImapMailbox {
 public:
  explicit FlakyFlagMailbox(ImapMailbox* inner) : inner_(inner) {}
  Result<std::vector<uint32_t>> ListUnseen(std::string_view k) override {
    return inner_->ListUnseen(k);
  }
  Result<std::string> Fetch(uint32_t uid, size_t max) override { return inner_->Fetch(uid, max); }
  Status AddFlag(uint32_t uid, std::string_view flag) override {
    if (fail_next_seen && flag == "\\Seen") {
      fail_next_seen = false;
      return Unavailable("connection lost");
    }
    return inner_->AddFlag(uid, flag);
  }
  bool fail_next_seen = false;

 private:
  ImapMailbox* inner_;
};

TEST_F(MailServersTest, PollStoresMarksSeenThreadsAndRejectsHostileMail) {
  auto store = SqliteStore::Open((dir_->path() / "poll.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  StoreMailRepository repo(store->get());
  FakeClock clock(1717409520000);
  // An earlier conversation: Plume's reply to it (in the outbox) carries this Message-ID.
  Message earlier;
  earlier.service = "mairie";
  earlier.channel = Channel::kEmail;
  earlier.body = "Première demande";
  auto earlier_id = (*store)->CreateMessage(earlier);
  ASSERT_TRUE(earlier_id.ok());
  MailOutboxEntry sent_reply;
  sent_reply.message_id = *earlier_id;
  sent_reply.rfc_message_id = "reponse-plume-1@mairie.example";
  sent_reply.envelope_from = "accueil@mairie.example";
  sent_reply.recipients = {"paul@example.fr"};
  ASSERT_TRUE((*store)->EnqueueMail(sent_reply).ok());

  std::string bomb = "From: x@y.fr\nSubject: bombe\nContent-Type: multipart/mixed; boundary=m\n\n";
  for (int i = 0; i < 5000; ++i) bomb += "--m\n\nx\n";
  bomb += "--m--\n";
  ASSERT_TRUE(servers_
                  ->Deliver("From: =?UTF-8?Q?Ren=C3=A9e?= <renee@example.fr>\r\n"
                            "Subject: Passeport\r\nMessage-ID: <citizen-a@example.fr>\r\n"
                            "Content-Type: text/plain; charset=iso-8859-1\r\n\r\n"
                            "O\xF9 en est ma demande ?\r\n")
                  .ok());
  ASSERT_TRUE(servers_->Deliver(bomb).ok());
  ASSERT_TRUE(servers_
                  ->Deliver("From: paul@example.fr\r\nSubject: Re: Votre demande\r\n"
                            "Message-ID: <citizen-b@example.fr>\r\n"
                            "In-Reply-To: <reponse-plume-1@mairie.example>\r\n"
                            "MIME-Version: 1.0\r\n"
                            "Content-Type: multipart/mixed; boundary=sep\r\n\r\n"
                            "--sep\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                            "Merci, voici le document.\r\n\r\n"
                            "Le 3 juin 2024, Mairie a écrit :\r\n> Envoyez le document.\r\n"
                            "--sep\r\nContent-Type: image/png\r\n"
                            "Content-Disposition: attachment; filename=\"scan.png\"\r\n"
                            "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
                            "--sep--\r\n")
                  .ok());
  ASSERT_EQ(WaitForUnseen(3).size(), 3u);

  FlakyFlagMailbox flaky(mailbox_.get());
  flaky.fail_next_seen = true;
  MailPoller poller(&flaky, store->get(), &repo, &clock, "mairie");
  auto broken = poller.PollOnce();
  ASSERT_FALSE(broken.ok());  // stored the first message, then could not flag it
  EXPECT_EQ(broken.status().code(), StatusCode::kUnavailable);

  auto report = poller.PollOnce();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->duplicates, 1);  // recognised by Message-ID, only flagged
  EXPECT_EQ(report->stored, 1);
  EXPECT_EQ(report->threaded, 1);
  ASSERT_EQ(report->rejected.size(), 1u);
  EXPECT_NE(report->rejected[0].reason.find("MIME bomb"), std::string::npos);

  MessageFilter f;
  f.service = "mairie";
  f.after_id = *earlier_id;
  auto msgs = (*store)->ListMessages(f);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);  // stored once, despite the failed \Seen
  EXPECT_EQ((*msgs)[0].channel, Channel::kEmail);
  EXPECT_EQ((*msgs)[0].sender_name, "Renée");
  EXPECT_EQ((*msgs)[0].body, "Où en est ma demande ?");
  EXPECT_EQ((*msgs)[1].body, "Merci, voici le document.");
  auto first_env = (*store)->GetEmailEnvelope((*msgs)[0].id);
  ASSERT_TRUE(first_env.ok()) << first_env.status().ToString();
  EXPECT_EQ(first_env->rfc_message_id, "citizen-a@example.fr");
  EXPECT_FALSE(first_env->thread_parent_id.has_value());
  auto second_env = (*store)->GetEmailEnvelope((*msgs)[1].id);
  ASSERT_TRUE(second_env.ok());
  EXPECT_EQ(second_env->thread_parent_id, std::optional<int64_t>(*earlier_id));
  auto attachments = (*store)->ListEmailAttachments((*msgs)[1].id);
  ASSERT_TRUE(attachments.ok());
  ASSERT_EQ(attachments->size(), 1u);
  EXPECT_EQ((*attachments)[0].filename, "scan.png");
  auto png = (*store)->GetEmailAttachment((*attachments)[0].id);
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(png->data, std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png->sha256, Sha256Hex(png->data));

  // Nothing left to do; the bomb stays unseen (visible to a person) but flagged.
  auto again = poller.PollOnce();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->stored + again->duplicates, 0);
  EXPECT_TRUE(again->rejected.empty());
  auto unseen = mailbox_->ListUnseen("");
  ASSERT_TRUE(unseen.ok());
  EXPECT_EQ(unseen->size(), 1u);
}

// Quoted-printable soft breaks and =3D undone, enough to search a link in the HTML part.
std::string RoughQpDecode(std::string raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw.compare(i, 3, "=\r\n") == 0) {
      i += 2;
    } else if (raw.compare(i, 3, "=3D") == 0) {
      out += '=';
      i += 2;
    } else {
      out += raw[i];
    }
  }
  return out;
}

// Issue #7 end to end: a citizen's e-mail polled into the store, the agent's reply through the
// HTTP API, the outbox sent by Postfix and read back by IMAP.
TEST_F(MailServersTest, AgentReplyLeavesThroughPostfixThreadedWithTheSatisfactionLink) {
  http::ServerOptions options;
  options.mail_from = "accueil@mairie.example";
  options.mail_from_name = "Mairie de Saint-Étienne";
  options.public_base_url = "https://plume.mairie.example";
  testing::PlumeHttp plume(dir_->path() / "e2e.db", options);
  StoreMailRepository repo(&plume.store());
  ASSERT_TRUE(servers_
                  ->Deliver("From: Usager <usager@citoyen.test>\r\n"
                            "Subject: Demande d'acte\r\n"
                            "Message-ID: <e2e-citizen-2@citoyen.test>\r\n"
                            "In-Reply-To: <e2e-citizen-1@citoyen.test>\r\n"
                            "References: <e2e-citizen-1@citoyen.test>\r\n\r\n"
                            "Bonjour, où en est mon acte ?\r\n")
                  .ok());
  ASSERT_EQ(WaitForUnseen(1).size(), 1u);
  MailPoller poller(mailbox_.get(), &plume.store(), &repo, &plume.clock(), "mairie-35");
  auto polled = poller.PollOnce();
  ASSERT_TRUE(polled.ok()) << polled.status().ToString();
  ASSERT_EQ(polled->stored, 1);
  MessageFilter f;
  f.service = "mairie-35";
  auto stored = plume.store().ListMessages(f);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  const int64_t mail_id = (*stored)[0].id;

  testing::AgentSession claire = plume.Login("claire");
  // A message typed in by hand, with line breaks where a header could be smuggled.
  auto created = plume.Post(claire, "/api/messages",
                            {{"sender_name", "Jeanne\r\nBcc: pirate@example.org"},
                             {"sender_email", MailServers::kCitizenAddress},
                             {"subject", "Formulaire\r\nX-Injected: oui"},
                             {"body", "Question posée au guichet."}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const int64_t form_id = testing::json::parse(created->body)["message"]["id"];

  std::string link;
  for (int64_t id : {mail_id, form_id}) {
    auto res = plume.Post(claire, "/api/messages/" + std::to_string(id) + "/reply",
                          {{"text", "Bonjour,\n\nVotre acte est prêt.\nCordialement."}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
    auto body = testing::json::parse(res->body);
    EXPECT_EQ(body["email_delivery"]["state"], "pending");
    if (id == mail_id) link = body["satisfaction_path"];
  }
  ASSERT_FALSE(link.empty());

  auto smtp = CurlSmtpSender::Create(SmtpConfig());
  ASSERT_TRUE(smtp.ok());
  StoreOutbox outbox(&plume.store());
  OutboxSender sender(&outbox, smtp->get(), &plume.clock());
  auto sent = sender.RunOnce();
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->sent, 2);
  auto detail = plume.Get(claire, "/api/messages/" + std::to_string(mail_id));
  ASSERT_TRUE(detail);
  EXPECT_EQ(testing::json::parse(detail->body)["email_delivery"]["state"], "sent");

  std::vector<uint32_t> uids = WaitForUnseen(2);
  ASSERT_EQ(uids.size(), 2u) << "Postfix did not deliver both replies";
  int checked = 0;
  for (uint32_t uid : uids) {
    auto raw = mailbox_->Fetch(uid, 10u << 20);
    ASSERT_TRUE(raw.ok());
    auto got = ParseEmail(*raw);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->from_email, "accueil@mairie.example");
    EXPECT_EQ(got->from_name, "Mairie de Saint-Étienne");
    EXPECT_NE(raw->find("multipart/alternative"), std::string::npos);
    EXPECT_NE(raw->find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
    EXPECT_NE(raw->find("Content-Type: text/html; charset=utf-8"), std::string::npos);
    EXPECT_NE(got->full_body.find("Votre acte est prêt."), std::string::npos);
    if (got->subject == "Re: Demande d'acte") {
      ++checked;
      EXPECT_EQ(got->in_reply_to, "e2e-citizen-2@citoyen.test");
      EXPECT_NE(raw->find("\r\nIn-Reply-To: <e2e-citizen-2@citoyen.test>\r\n"), std::string::npos);
      EXPECT_NE(raw->find("\r\nReferences: <e2e-citizen-1@citoyen.test> "
                          "<e2e-citizen-2@citoyen.test>\r\n"),
                std::string::npos);
      const std::string url = "https://plume.mairie.example" + link;
      EXPECT_NE(got->full_body.find(url), std::string::npos);                          // plain part
      EXPECT_NE(RoughQpDecode(*raw).find("href=\"" + url + "\""), std::string::npos);  // HTML
    } else {
      ++checked;
      EXPECT_EQ(got->subject, "Re: Formulaire X-Injected: oui");
      EXPECT_EQ(raw->find("\nBcc:"), std::string::npos);
      EXPECT_EQ(raw->find("\nX-Injected:"), std::string::npos);
      EXPECT_TRUE(got->in_reply_to.empty());
    }
  }
  EXPECT_EQ(checked, 2);
}

TEST_F(MailServersTest, WrongPasswordIsUnauthenticated) {
  MailServerConfig c = ImapConfig();
  c.password = "faux";
  auto mb = CurlImapMailbox::Create(c);
  ASSERT_TRUE(mb.ok());
  auto r = (*mb)->ListUnseen("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << r.status().ToString();
}

TEST(MailTransportTest, PlainTextOnlyOnLoopback) {
  MailServerConfig c;
  c.url = "imap://imap.example.org/INBOX";
  c.tls = TlsMode::kNone;
  EXPECT_EQ(CurlImapMailbox::Create(c).status().code(), StatusCode::kInvalidArgument);
  c.tls = TlsMode::kRequired;
  EXPECT_TRUE(CurlImapMailbox::Create(c).ok());
  c.url = "http://imap.example.org/";
  EXPECT_EQ(CurlImapMailbox::Create(c).status().code(), StatusCode::kInvalidArgument);
  c.url = "smtps://smtp.example.org:465";
  EXPECT_TRUE(CurlSmtpSender::Create(c).ok());
}

}  // namespace
}  // namespace plume::channels
