#include "channels/mime_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "channels/text_utils.h"
#include "util/text.h"

namespace plume::channels {
namespace {

// Every string of a parsed e-mail must be valid UTF-8 without line breaks in header fields.
void ExpectClean(const ParsedEmail& e) {
  for (const std::string* s : {&e.message_id, &e.in_reply_to, &e.from_name, &e.from_email,
                               &e.reply_to_email, &e.subject}) {
    EXPECT_TRUE(util::IsValidUtf8(*s)) << *s;
    EXPECT_EQ(s->find_first_of("\r\n"), std::string::npos) << *s;
  }
  EXPECT_TRUE(util::IsValidUtf8(e.body));
  EXPECT_TRUE(util::IsValidUtf8(e.full_body));
  for (const Attachment& a : e.attachments) {
    EXPECT_TRUE(util::IsValidUtf8(a.filename));
    EXPECT_EQ(a.filename.find_first_of("\r\n/\\"), std::string::npos) << a.filename;
    EXPECT_TRUE(util::IsValidUtf8(a.content_type));
  }
  for (const std::string& w : e.warnings) EXPECT_TRUE(util::IsValidUtf8(w));
}

TEST(MimeParserTest, PlainFrenchMessageWithEncodedHeadersAndThreading) {
  const std::string raw =
      "From: =?UTF-8?Q?Ren=C3=A9e_Lef=C3=A8vre?= <Renee.Lefevre@Example.FR>\r\n"
      "To: accueil@mairie.example\r\n"
      "Subject: =?UTF-8?B?RGVtYW5kZSBkZSBwYXNzZXBvcnQgdXJnZW50ZQ==?=\r\n"
      "Date: Mon, 3 Jun 2024 10:12:00 +0200\r\n"
      "Message-ID: <abc.123@example.fr>\r\n"
      "In-Reply-To: <reply-1@plume.example>\r\n"
      "References: <root@example.fr> <reply-1@plume.example>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Bonjour,\r\n"
      "je voudrais savoir o=C3=B9 en est ma demande.\r\n";
  auto e = ParseEmail(raw);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ExpectClean(*e);
  EXPECT_EQ(e->from_name, "Renée Lefèvre");
  EXPECT_EQ(e->from_email, "renee.lefevre@example.fr");
  EXPECT_EQ(e->subject, "Demande de passeport urgente");
  EXPECT_EQ(e->message_id, "abc.123@example.fr");
  EXPECT_EQ(e->in_reply_to, "reply-1@plume.example");
  ASSERT_EQ(e->references.size(), 2u);
  EXPECT_EQ(e->references[0], "root@example.fr");
  EXPECT_EQ(e->references[1], "reply-1@plume.example");
  ASSERT_TRUE(e->date_ms.has_value());
  EXPECT_EQ(*e->date_ms, 1717402320000);
  EXPECT_EQ(e->body, "Bonjour,\nje voudrais savoir où en est ma demande.");
  EXPECT_FALSE(e->body_from_html);
}

TEST(MimeParserTest, AlternativePrefersPlainAndHtmlOnlyIsConverted) {
  const std::string alt =
      "From: a@b.fr\nSubject: x\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n"
      "--XX\nContent-Type: text/plain; charset=utf-8\n\nTexte brut\n"
      "--XX\nContent-Type: text/html; charset=utf-8\n\n<p>Texte <b>HTML</b></p>\n--XX--\n";
  auto a = ParseEmail(alt);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->body, "Texte brut");

  const std::string html =
      "From: a@b.fr\nSubject: x\nContent-Type: text/html; charset=iso-8859-1\n\n"
      "<html><head><title>T</title><style>p { color: red; }</style></head><body>"
      "<!-- commentaire > cach\xE9 --><p>Bonjour,</p><p>Mon dossier &eacute;tait "
      "incomplet.</p><script>alert(1)</script></body></html>\n";
  auto h = ParseEmail(html);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ExpectClean(*h);
  EXPECT_TRUE(h->body_from_html);
  EXPECT_EQ(h->body, "Bonjour,\nMon dossier était incomplet.");
}

TEST(MimeParserTest, CharsetsAreConvertedAndInvalidBytesReplaced) {
  const std::string latin1 =
      "From: a@b.fr\nSubject: x\nContent-Type: text/plain; charset=ISO-8859-15\n\n"
      "Caf\xE9 \xA4\n";  // 0xA4 is the euro sign in Latin-9
  auto l = ParseEmail(latin1);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->body, "Café €");

  const std::string unknown =
      "From: a@b.fr\nSubject: x\nContent-Type: text/plain; charset=x-does-not-exist\n\n"
      "R\xE9ponse \xE0 ma demande\n";
  auto u = ParseEmail(unknown);
  ASSERT_TRUE(u.ok());
  ExpectClean(*u);
  EXPECT_EQ(u->body, "Réponse à ma demande");
  EXPECT_FALSE(u->warnings.empty());

  static const char kBadUtf8[] =
      "From: a@b.fr\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n"
      "ok \xC3\x28 \xED\xA0\x80 \xF8\x88\x80\x80\x80 nul\x00 fin\n";
  auto b = ParseEmail(std::string_view(kBadUtf8, sizeof kBadUtf8 - 1));
  ASSERT_TRUE(b.ok());
  ExpectClean(*b);
  EXPECT_NE(b->body.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(b->body.find("fin"), std::string::npos);

  const std::string hostile_charset =
      "From: a@b.fr\nSubject: x\nContent-Type: text/plain; charset=\"utf-8//../../etc\"\n\n"
      "caf\xE9\n";
  auto hc = ParseEmail(hostile_charset);
  ASSERT_TRUE(hc.ok());
  ExpectClean(*hc);
  EXPECT_EQ(hc->body, "café");

  // 8-bit Latin-1 bytes straight in the Subject and From name, against RFC 5322.
  const std::string raw_header =
      "From: Fran\xE7ois <f@b.fr>\nSubject: Probl\xE8me d'acc\xE8s\n\ncorps\n";
  auto rh = ParseEmail(raw_header);
  ASSERT_TRUE(rh.ok());
  ExpectClean(*rh);
  EXPECT_EQ(rh->subject, "Problème d'accès");
  EXPECT_EQ(rh->from_name, "François");
}

TEST(MimeParserTest, HeaderInjectionAttemptsAreNeutralised) {
  const std::string raw =
      "From: =?UTF-8?Q?Eve=0D=0ABcc=3A_victim=40example.org?= <eve@example.org>\r\n"
      "Subject: =?UTF-8?Q?Bonjour=0D=0AX-Injected:_yes=0A=0D?=\r\n"
      "Message-ID: <id\r\n with-space@x>\r\n"
      "\r\nbody\r\n";
  auto e = ParseEmail(raw);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ExpectClean(*e);
  EXPECT_EQ(e->subject, "Bonjour X-Injected: yes");
  EXPECT_EQ(e->from_email, "eve@example.org");
  EXPECT_EQ(e->from_name, "Eve Bcc: victim@example.org");
  EXPECT_EQ(e->message_id.find(' '), std::string::npos);

  // A raw colon makes GMime read the display name as a group: the member address is kept.
  auto g = ParseEmail(
      "From: =?UTF-8?Q?Eve=0D=0ABcc:_victim@example.org?= <eve@example.org>\r\n\r\nbody\r\n");
  ASSERT_TRUE(g.ok());
  ExpectClean(*g);
  EXPECT_EQ(g->from_email.find_first_of("\r\n "), std::string::npos);
}

TEST(MimeParserTest, AttachmentsAreListedWithSafeNames) {
  const std::string raw =
      "From: a@b.fr\nSubject: pj\nContent-Type: multipart/mixed; boundary=b1\n\n"
      "--b1\nContent-Type: text/plain; charset=utf-8\n\nVoici mon justificatif.\n"
      "--b1\nContent-Type: application/pdf\nContent-Disposition: attachment;\n"
      " filename*=UTF-8''attestation%20d%C3%A9m%C3%A9nagement.pdf\n"
      "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
      "--b1\nContent-Type: image/png; name=\"../../etc/passwd\"\n"
      "Content-Disposition: attachment; filename=\"../../etc/passwd\"\n"
      "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
      "--b1--\n";
  auto e = ParseEmail(raw);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ExpectClean(*e);
  EXPECT_EQ(e->body, "Voici mon justificatif.");
  ASSERT_EQ(e->attachments.size(), 2u);
  EXPECT_EQ(e->attachments[0].filename, "attestation déménagement.pdf");
  EXPECT_EQ(e->attachments[0].content_type, "application/pdf");
  EXPECT_EQ(e->attachments[0].data, "%PDF-1.4\n");
  EXPECT_EQ(e->attachments[1].filename, "passwd");
  EXPECT_EQ(e->attachments[1].size, 8u);
}

std::string Base64Of(size_t n) {
  // n bytes of zeros encoded in base64, 76-character lines.
  std::string out;
  size_t quads = n / 3;
  for (size_t i = 0; i < quads; ++i) {
    out += "AAAA";
    if ((i + 1) % 19 == 0) out += "\n";
  }
  return out + "\n";
}

TEST(MimeParserTest, HugeMessagesAndAttachmentsAreBounded) {
  std::string huge = "From: a@b.fr\nSubject: x\n\n" + std::string(11u << 20, 'a');
  auto h = ParseEmail(huge);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kResourceExhausted);

  // Two attachments of 300 kB with a 500 kB total: the second is listed but not kept.
  std::string raw =
      "From: a@b.fr\nSubject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\ntexte\n";
  for (int i = 0; i < 2; ++i) {
    raw +=
        "--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; "
        "filename=f" +
        std::to_string(i) + ".bin\nContent-Transfer-Encoding: base64\n\n" + Base64Of(300000);
  }
  raw += "--b--\n";
  MimeLimits limits;
  limits.max_attachment_bytes = 500000;
  auto e = ParseEmail(raw, limits);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->attachments.size(), 2u);
  EXPECT_FALSE(e->attachments[0].dropped);
  EXPECT_EQ(e->attachments[0].data.size(), 300000u);
  EXPECT_TRUE(e->attachments[1].dropped);
  EXPECT_TRUE(e->attachments[1].data.empty());
  EXPECT_EQ(e->attachments[1].size, 300000u);
  EXPECT_EQ(e->body, "texte");
  EXPECT_EQ(e->warnings.size(), 1u);
}

std::string Nested(int depth) {
  std::string head = "From: a@b.fr\nSubject: x\n";
  std::string open;
  std::string close;
  for (int i = 0; i < depth; ++i) {
    open += "Content-Type: multipart/mixed; boundary=\"d" + std::to_string(i) + "\"\n\n--d" +
            std::to_string(i) + "\n";
    close = "\n--d" + std::to_string(i) + "--\n" + close;
  }
  return head + open + "Content-Type: text/plain\n\nfond\n" + close;
}

TEST(MimeParserTest, MimeBombsAreRejected) {
  auto ok = ParseEmail(Nested(5));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->body, "fond");

  auto deep = ParseEmail(Nested(12));  // 12 containers: passes the pre-scan, fails the walk
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), StatusCode::kResourceExhausted);

  auto very_deep = ParseEmail(Nested(5000));
  ASSERT_FALSE(very_deep.ok());
  EXPECT_EQ(very_deep.status().code(), StatusCode::kResourceExhausted);

  std::string many = "From: a@b.fr\nSubject: x\nContent-Type: multipart/mixed; boundary=m\n\n";
  for (int i = 0; i < 100000; ++i) many += "--m\n\nx\n";
  many += "--m--\n";
  auto m = ParseEmail(many);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kResourceExhausted);
}

TEST(MimeParserTest, NotAMessageAndGarbageNeverCrash) {
  EXPECT_EQ(ParseEmail("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEmail("\n\n\n").status().code(), StatusCode::kInvalidArgument);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
  auto g = ParseEmail(garbage);
  if (g.ok()) ExpectClean(*g);
  // A header without body, and a broken multipart without closing boundary.
  auto n = ParseEmail("Subject: seul\n");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->body.empty());
  EXPECT_FALSE(n->warnings.empty());  // no From
  auto broken = ParseEmail(
      "From: a@b.fr\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\n\ntexte sans fin");
  ASSERT_TRUE(broken.ok());
  EXPECT_EQ(broken->body, "texte sans fin");
}

TEST(MimeParserTest, QuotedHistoryIsTrimmed) {
  const std::string raw =
      "From: a@b.fr\nSubject: Re: votre demande\nContent-Type: text/plain; charset=utf-8\n\n"
      "Merci, voici le numéro : 12345.\n\n"
      "Le lun. 3 juin 2024 à 10:12, Mairie <accueil@mairie.example> a écrit :\n"
      "> Bonjour, merci de nous donner votre numéro.\n";
  auto e = ParseEmail(raw);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->body, "Merci, voici le numéro : 12345.");
  EXPECT_NE(e->full_body.find("a écrit"), std::string::npos);
}

TEST(QuoteTrimTest, KnownReplyHeaders) {
  EXPECT_EQ(TrimQuotedHistory("Oui.\n\nLe 3 juin 2024 à 10:12, Jean Dupont <\njd@x.fr> a écrit :\n"
                              "> question"),
            "Oui.");
  EXPECT_EQ(TrimQuotedHistory("Yes.\nOn Mon, Jun 3, 2024 at 10:12 AM John <j@x.org> wrote:\n> q"),
            "Yes.");
  EXPECT_EQ(TrimQuotedHistory("D'accord.\n\n-----Message d'origine-----\nDe : Mairie\nObjet : x"),
            "D'accord.");
  EXPECT_EQ(TrimQuotedHistory("Bien reçu.\n\n________________________________\n"
                              "De : Mairie <accueil@mairie.example>\n"
                              "Envoyé : lundi 3 juin 2024 10:12\nÀ : moi\nObjet : x\n\ntexte"),
            "Bien reçu.");
  EXPECT_EQ(TrimQuotedHistory("Point 1 : ok\n> citation\nPoint 2 : non\n>> vieille citation"),
            "Point 1 : ok\nPoint 2 : non");
  // "De :" in the citizen's own prose is not a reply header.
  EXPECT_EQ(TrimQuotedHistory("De : ma part, merci.\nCordialement"),
            "De : ma part, merci.\nCordialement");
  EXPECT_EQ(TrimQuotedHistory("Le dossier est complet.\nMerci"), "Le dossier est complet.\nMerci");
}

TEST(TextUtilsTest, SanitizeAndHeaderSafe) {
  EXPECT_EQ(SanitizeUtf8("a\xFF"
                         "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(SanitizeUtf8("é€😀"), "é€😀");
  EXPECT_TRUE(util::IsValidUtf8(SanitizeUtf8("\xE0\x80\xAF\xED\xA0\x80\xF4\x90\x80\x80")));
  EXPECT_EQ(HeaderSafe("Objet\r\nBcc: x@y\x01"), "Objet Bcc: x@y");
  EXPECT_EQ(ToUtf8("\x82\xE9", "x-unknown", nullptr), "‚é");
  bool lossy = false;
  EXPECT_EQ(ToUtf8("plain", "us-ascii", &lossy), "plain");
  EXPECT_FALSE(lossy);
}

}  // namespace
}  // namespace plume::channels
