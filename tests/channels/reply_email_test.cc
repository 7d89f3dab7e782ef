// An agent's reply to an e-mail goes to the store's outbox (issue #7): threading headers from the
// stored envelope, both parts, the absolute satisfaction link; delivery state on the message;
// the outbox and retry routes; attachments. Real SQLite, real HTTP server; SMTP refused by a dead
// port (the Postfix round trip is in mail_servers_test.cc).
#include <gtest/gtest.h>

#include <string>

#include "channels/mail_transport.h"
#include "channels/mime_parser.h"
#include "channels/outbox.h"
#include "channels/store_mail_state.h"
#include "plume_http_fixture.h"

namespace plume::channels {
namespace {

using testing::AgentSession;
using testing::json;
using testing::PlumeHttp;

http::ServerOptions MailOptions() {
  http::ServerOptions o;
  o.mail_from = "accueil@mairie-35.example";
  o.mail_from_name = "Mairie de Rennes";
  o.public_base_url = "https://plume.mairie.example/";
  return o;
}

// A message received by e-mail in mairie-35, with its stored envelope.
int64_t EmailMessage(PlumeHttp& plume, const std::string& raw) {
  auto email = ParseEmail(raw);
  EXPECT_TRUE(email.ok()) << email.status().ToString();
  Message m;
  m.service = "mairie-35";
  m.channel = Channel::kEmail;
  m.sender_name = email->from_name;
  m.sender_email = email->from_email;
  m.subject = email->subject;
  m.body = email->body.empty() ? "(pièces jointes seulement)" : email->body;
  m.received_at_ms = plume.clock().NowMillis();
  auto id = plume.store().CreateMessage(m);
  EXPECT_TRUE(id.ok());
  StoreMailRepository repo(&plume.store());
  EXPECT_TRUE(repo.RecordInbound("mairie-35", *id, *email, std::nullopt).ok());
  return *id;
}

constexpr const char* kCitizenMail =
    "From: =?UTF-8?Q?Ren=C3=A9e_Lef=C3=A8vre?= <renee@example.fr>\r\n"
    "To: accueil@mairie-35.example\r\n"
    "Subject: Acte de naissance\r\n"
    "Message-ID: <citoyen-2@example.fr>\r\n"
    "In-Reply-To: <citoyen-1@example.fr>\r\n"
    "References: <citoyen-0@example.fr> <citoyen-1@example.fr>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "Bonjour, où en est ma demande d'acte ?\r\n";

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string Unfold(std::string raw) {
  for (const char* fold : {"\r\n ", "\r\n\t"}) {
    for (size_t at = raw.find(fold); at != std::string::npos; at = raw.find(fold, at)) {
      raw.replace(at, 3, " ");
    }
  }
  return raw;
}

std::string Path(int64_t id, const std::string& tail = "") {
  return "/api/messages/" + std::to_string(id) + tail;
}

TEST(ReplyEmailTest, ReplyIsQueuedWithThreadingBothPartsAndAbsoluteLink) {
  plume::testing::TempDir dir;
  PlumeHttp plume(dir.path() / "plume.db", MailOptions());
  const int64_t id = EmailMessage(plume, kCitizenMail);
  AgentSession claire = plume.Login("claire");
  auto res = plume.Post(claire, Path(id, "/reply"),
                        {{"text", "Bonjour Madame,\n\nVotre acte est prêt.\nCordialement."}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  json body = json::parse(res->body);
  EXPECT_EQ(body["email_delivery"]["state"], "pending") << res->body;
  EXPECT_EQ(body["email_delivery"]["state_label"], "en attente");
  EXPECT_EQ(body["email_delivery"]["attempts"], 0);
  const std::string link = body["satisfaction_path"];
  ASSERT_EQ(link.rfind("/avis/", 0), 0u);

  MailOutboxFilter f;
  f.message_id = id;
  auto entries = plume.store().ListMailOutbox(f);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  const MailOutboxEntry& e = (*entries)[0];
  EXPECT_EQ(e.recipients, std::vector<std::string>{"renee@example.fr"});
  EXPECT_EQ(e.envelope_from, "accueil@mairie-35.example");
  EXPECT_EQ(e.next_attempt_ms, plume.clock().NowMillis());  // due at once
  ASSERT_TRUE(e.decision_id.has_value());
  EXPECT_EQ(*e.decision_id, body["decision"]["id"].get<int64_t>());
  EXPECT_NE(e.raw.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(e.raw.find("Content-Type: text/html"), std::string::npos);
  EXPECT_NE(e.raw.find("\r\nIn-Reply-To: <citoyen-2@example.fr>\r\n"), std::string::npos);
  // Long headers are folded (RFC 5322): compare the unfolded text.
  EXPECT_NE(Unfold(e.raw).find("\r\nReferences: <citoyen-0@example.fr> <citoyen-1@example.fr> "
                               "<citoyen-2@example.fr>\r\n"),
            std::string::npos)
      << e.raw.substr(0, 1200);
  auto parsed = ParseEmail(e.raw);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->subject, "Re: Acte de naissance");
  EXPECT_EQ(parsed->from_name, "Mairie de Rennes");
  EXPECT_EQ(parsed->message_id, e.rfc_message_id);
  EXPECT_NE(parsed->full_body.find("Votre acte est prêt."), std::string::npos);
  EXPECT_NE(parsed->full_body.find("https://plume.mairie.example" + link), std::string::npos);
  // The citizen answering this reply is threaded to the same Plume message.
  EXPECT_EQ(*plume.store().FindMessageByRfcMessageId("mairie-35", e.rfc_message_id),
            std::optional<int64_t>(id));

  auto got = plume.Get(claire, Path(id));
  ASSERT_TRUE(got);
  json detail = json::parse(got->body);
  EXPECT_EQ(detail["email_delivery"]["state"], "pending");
  EXPECT_EQ(detail["email"]["message_id"], "citoyen-2@example.fr");
  EXPECT_TRUE(detail["attachments"].empty());
}

TEST(ReplyEmailTest, ReplyIsKeptWhenTheEmailCannotBeQueued) {
  plume::testing::TempDir dir;
  PlumeHttp plume(dir.path() / "plume.db");  // no --mail-from
  const int64_t id = EmailMessage(plume, kCitizenMail);
  Message api;
  api.service = "mairie-35";
  api.body = "Question sans adresse.";
  const int64_t no_address = *plume.store().CreateMessage(api);
  AgentSession claire = plume.Login("claire");
  auto res = plume.Post(claire, Path(id, "/reply"), {{"text", "Réponse."}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  json body = json::parse(res->body);
  EXPECT_EQ(body["message"]["status"], "answered");
  EXPECT_EQ(body["email_delivery"]["state"], "not_queued");
  EXPECT_NE(body["email_delivery"]["last_error"].get<std::string>().find("--mail-from"),
            std::string::npos);
  EXPECT_EQ(plume.store().ListDecisions(id)->size(), 1u);
  EXPECT_TRUE(plume.store().ListMailOutbox(MailOutboxFilter{})->empty());
  AuditFilter af;
  af.message_id = id;
  auto audit = plume.store().ListAudit(af);
  ASSERT_TRUE(audit.ok());
  bool logged = false;
  for (const AuditEntry& a : *audit) logged |= a.action == "email_not_queued";
  EXPECT_TRUE(logged);
  json detail = json::parse(plume.Get(claire, Path(id))->body);
  EXPECT_EQ(detail["email_delivery"]["state"], "not_queued");

  auto other = plume.Post(claire, Path(no_address, "/reply"), {{"text", "Réponse."}});
  ASSERT_TRUE(other);
  ASSERT_EQ(other->status, 201);
  EXPECT_TRUE(json::parse(other->body)["email_delivery"].is_null());
}

TEST(ReplyEmailTest, RefusedSmtpThenRetryRouteWithinTheService) {
  plume::testing::TempDir dir;
  PlumeHttp plume(dir.path() / "plume.db", MailOptions());
  const int64_t id = EmailMessage(plume, kCitizenMail);
  AgentSession claire = plume.Login("claire");
  ASSERT_EQ(plume.Post(claire, Path(id, "/reply"), {{"text", "Réponse."}})->status, 201);

  MailServerConfig dead;
  dead.url = "smtp://127.0.0.1:1";  // connection refused
  dead.tls = TlsMode::kNone;
  auto smtp = CurlSmtpSender::Create(dead);
  ASSERT_TRUE(smtp.ok());
  StoreOutbox outbox(&plume.store());
  RetryPolicy policy;
  policy.backoff_ms = {60'000};
  OutboxSender sender(&outbox, smtp->get(), &plume.clock(), policy);
  auto first = sender.RunOnce();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->retried, 1);
  json pending = json::parse(plume.Get(claire, Path(id))->body)["email_delivery"];
  EXPECT_EQ(pending["state"], "pending");
  EXPECT_EQ(pending["attempts"], 1);
  EXPECT_FALSE(pending["last_error"].get<std::string>().empty());
  plume.clock().Advance(60'000);
  auto second = sender.RunOnce();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->failed, 1);
  json failed = json::parse(plume.Get(claire, Path(id))->body)["email_delivery"];
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_EQ(failed["state_label"], "échec");
  EXPECT_EQ(failed["attempts"], 2);
  const int64_t entry_id = failed["id"];

  AgentSession sophie = plume.Login("sophie");
  AgentSession nadia = plume.Login("nadia");
  AgentSession marc = plume.Login("marc");
  auto list = plume.Get(sophie, "/api/outbox?state=failed");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  ASSERT_EQ(json::parse(list->body)["entries"].size(), 1u);
  EXPECT_FALSE(json::parse(list->body)["entries"][0].contains("raw"));
  EXPECT_TRUE(json::parse(plume.Get(nadia, "/api/outbox?state=failed")->body)["entries"].empty());
  EXPECT_EQ(plume.Get(claire, "/api/outbox")->status, 403);
  EXPECT_EQ(plume.Get(sophie, "/api/outbox?state=lost")->status, 400);

  // Another service's entry answers exactly like an unknown one.
  const std::string retry = "/api/outbox/" + std::to_string(entry_id) + "/retry";
  auto foreign = plume.Post(marc, retry, json::object());
  auto unknown = plume.Post(marc, "/api/outbox/999999/retry", json::object());
  ASSERT_TRUE(foreign && unknown);
  EXPECT_EQ(foreign->status, 404);
  EXPECT_EQ(foreign->body, unknown->body);
  EXPECT_EQ(plume.Post(claire, retry, json::object(), /*csrf=*/false)->status, 403);
  EXPECT_EQ(plume.store().GetMailOutboxEntry(entry_id)->state, MailOutboxState::kFailed);

  auto retried = plume.Post(claire, retry, json::object());
  ASSERT_TRUE(retried);
  ASSERT_EQ(retried->status, 200) << retried->body;
  EXPECT_EQ(json::parse(retried->body)["entry"]["state"], "pending");
  EXPECT_EQ(plume.Post(claire, retry, json::object())->status, 409);
  auto due = outbox.ListDue(plume.clock().NowMillis(), 10);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 1u);
}

TEST(ReplyEmailTest, AttachmentsListedWithoutBytesAndDownloadedWithinTheService) {
  plume::testing::TempDir dir;
  PlumeHttp plume(dir.path() / "plume.db", MailOptions());
  const std::string pdf("%PDF-1.4\0\xFF\xFE binaire", 20);
  const std::string b64 = Base64(pdf);
  const int64_t id = EmailMessage(
      plume,
      "From: paul@example.fr\r\nSubject: Justificatif\r\nMessage-ID: <pj-1@example.fr>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici le justificatif.\r\n"
      "--b\r\nContent-Type: application/pdf; name=\"avis d'impôt.pdf\"\r\n"
      "Content-Disposition: attachment; filename=\"avis.pdf\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
          b64 + "\r\n--b--\r\n");
  const int64_t other = EmailMessage(plume, kCitizenMail);
  AgentSession claire = plume.Login("claire");
  auto got = plume.Get(claire, Path(id));
  ASSERT_TRUE(got);
  json detail = json::parse(got->body);
  ASSERT_EQ(detail["attachments"].size(), 1u) << got->body;
  json a = detail["attachments"][0];
  EXPECT_EQ(a["filename"], "avis.pdf");
  EXPECT_EQ(a["content_type"], "application/pdf");
  EXPECT_EQ(a["size"], 20);
  EXPECT_EQ(got->body.find(b64), std::string::npos);  // never the bytes in the message JSON
  auto stored = plume.store().GetEmailAttachment(a["id"]);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->sha256, Sha256Hex(pdf));

  auto file = plume.Get(claire, a["url"]);
  ASSERT_TRUE(file);
  ASSERT_EQ(file->status, 200) << file->body;
  EXPECT_EQ(file->body, pdf);
  EXPECT_EQ(file->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(file->get_header_value("Content-Disposition").rfind("attachment;", 0), 0u);
  EXPECT_EQ(file->get_header_value("X-Content-Type-Options"), "nosniff");

  AgentSession marc = plume.Login("marc");
  auto foreign = plume.Get(marc, a["url"]);
  auto unknown = plume.Get(marc, Path(999999, "/attachments/1"));
  ASSERT_TRUE(foreign && unknown);
  EXPECT_EQ(foreign->status, 404);
  EXPECT_EQ(foreign->body, unknown->body);
  // The attachment under another message of the same service is not found either.
  EXPECT_EQ(
      plume.Get(claire, Path(other, "/attachments/" + std::to_string(a["id"].get<int64_t>())))
          ->status,
      404);
  EXPECT_EQ(plume.Get(claire, Path(id, "/attachments/abc"))->status, 404);
}

TEST(ReplyEmailTest, OpenApiDocumentsTheMailRoutes) {
  plume::testing::TempDir dir;
  PlumeHttp plume(dir.path() / "plume.db", MailOptions());
  auto res = plume.Client().Get("/api/openapi.json");
  ASSERT_TRUE(res);
  json doc = json::parse(res->body);
  for (const char* path : {"/api/outbox", "/api/outbox/{id}/retry",
                           "/api/messages/{id}/attachments/{attachment_id}"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
}

}  // namespace
}  // namespace plume::channels
