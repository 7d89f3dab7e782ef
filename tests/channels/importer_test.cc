#include "channels/importer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "plume/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume::channels {
namespace {

class RecordingProgress final : public Progress {
 public:
  void Start(std::string_view, int64_t total) override { total_ = total; }
  void Update(int64_t done) override { updates_.push_back(done); }
  void Finish() override { finished_ = true; }
  int64_t total_ = -1;
  std::vector<int64_t> updates_;
  bool finished_ = false;
};

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::Open((dir_.path() / "plume.db").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  std::vector<Message> All() {
    MessageFilter f;
    f.limit = 1000;
    auto list = store_->ListMessages(f);
    EXPECT_TRUE(list.ok());
    return list.ok() ? *list : std::vector<Message>{};
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  FakeClock clock_{1717400000000};
};

TEST_F(ImporterTest, CsvImportsGoodRowsAndReportsBadOnesWithLineNumbers) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "objet;message;courriel;date;réponse;date_reponse;colonne_inconnue\r\n"  // line 1
      "Passeport;\"Bonjour,\nma demande \"\"urgente\"\"\";a@b.fr;2024-06-03T10:12:00Z;"
      "Voici la marche à suivre.;2024-06-04 09:00;x\r\n"           // lines 2-3
      "Carte grise;trop;peu\r\n"                                   // line 4: 3 columns
      "Impôts;\xFF\xFE;c@d.fr;;;;\r\n"                             // line 5: invalid UTF-8
      "RSA;Mon dossier;e@f.fr;31/02/2024;;;\r\n"                   // line 6: bad date
      "\r\n"                                                       // line 7: blank, skipped
      "Vide;   ;g@h.fr;;;;\r\n"                                    // line 8: empty body
      "Adresse;Question;pas-une-adresse;;;;\r\n"                   // line 9: bad e-mail
      "CAF;Question sans réponse;i@j.fr;03/06/2024 08:30;;;\r\n";  // line 10
  RecordingProgress progress;
  Importer importer(store_.get(), &clock_);
  auto report = importer.Import(ImportFormat::kCsv, csv, "mairie", &progress);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->imported, 2);
  EXPECT_EQ(report->with_reply, 1);
  EXPECT_EQ(report->rejected, 5);
  ASSERT_EQ(report->errors.size(), 5u);
  EXPECT_EQ(report->errors[0].line, 4);
  EXPECT_NE(report->errors[0].reason.find("3 colonnes au lieu de 7"), std::string::npos);
  EXPECT_EQ(report->errors[1].line, 5);
  EXPECT_NE(report->errors[1].reason.find("UTF-8"), std::string::npos);
  EXPECT_EQ(report->errors[2].line, 6);
  EXPECT_NE(report->errors[2].reason.find("date invalide"), std::string::npos);
  EXPECT_EQ(report->errors[3].line, 8);
  EXPECT_EQ(report->errors[4].line, 9);

  std::vector<Message> msgs = All();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].subject, "Passeport");
  EXPECT_EQ(msgs[0].body, "Bonjour,\nma demande \"urgente\"");
  EXPECT_EQ(msgs[0].channel, Channel::kImport);
  EXPECT_EQ(msgs[0].service, "mairie");
  EXPECT_EQ(msgs[0].received_at_ms, 1717409520000);
  EXPECT_EQ(msgs[0].status, MessageStatus::kAnswered);
  auto decisions = store_->ListDecisions(msgs[0].id);
  ASSERT_TRUE(decisions.ok());
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ((*decisions)[0].kind, DecisionKind::kWrittenWithoutAi);
  EXPECT_EQ((*decisions)[0].agent, "import");
  EXPECT_EQ((*decisions)[0].final_text, "Voici la marche à suivre.");
  EXPECT_EQ((*decisions)[0].decided_at_ms, 1717491600000);
  EXPECT_EQ(msgs[1].status, MessageStatus::kNew);
  EXPECT_EQ(msgs[1].received_at_ms, 1717403400000);

  EXPECT_EQ(progress.total_, static_cast<int64_t>(csv.size()));
  EXPECT_TRUE(progress.finished_);
  ASSERT_FALSE(progress.updates_.empty());
  EXPECT_EQ(progress.updates_.back(), static_cast<int64_t>(csv.size() - 3));
  for (size_t i = 1; i < progress.updates_.size(); ++i) {
    EXPECT_LE(progress.updates_[i - 1], progress.updates_[i]);
  }
}

TEST_F(ImporterTest, CsvWithoutBodyColumnOrUnterminatedQuote) {
  Importer importer(store_.get(), &clock_);
  auto no_body = importer.Import(ImportFormat::kCsv, "subject,email\nx,y\n", "s", nullptr);
  ASSERT_FALSE(no_body.ok());
  EXPECT_EQ(no_body.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(importer.Import(ImportFormat::kCsv, "", "s", nullptr).status().code(),
            StatusCode::kInvalidArgument);

  auto unterminated = importer.Import(ImportFormat::kCsv,
                                      "body,subject\nok,un\n\"pas fermé,deux\nx,y\n", "s", nullptr);
  ASSERT_TRUE(unterminated.ok());
  EXPECT_EQ(unterminated->imported, 1);
  ASSERT_EQ(unterminated->rejected, 1);
  EXPECT_EQ(unterminated->errors[0].line, 3);
  EXPECT_NE(unterminated->errors[0].reason.find("guillemet"), std::string::npos);
}

TEST_F(ImporterTest, JsonLinesReportsEachBadLine) {
  const std::string jsonl =
      "{\"subject\":\"Passeport\",\"body\":\"Bonjour\",\"received_at\":1717400000000,"
      "\"reply\":\"Réponse\",\"reply_agent\":\"agent.dupont\"}\n"  // 1
      "{\"body\": \"tronqué\"\n"                                   // 2
      "[1,2,3]\n"                                                  // 3
      "\n"                                                         // 4 (blank)
      "{\"body\": 42}\n"                                           // 5
      "{\"body\": \"x\", \"received_at\": \"hier\"}\n"             // 6
      "{\"body\": \"\\ud800\"}\n"                                  // 7 lone surrogate
      "{\"message\": \"Deuxième\", \"date\": \"2024-06-03\", \"extra\": {\"a\": 1}}";  // 8
  Importer importer(store_.get(), &clock_);
  auto report = importer.Import(ImportFormat::kJsonl, jsonl, "caf", nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->imported, 2);
  EXPECT_EQ(report->with_reply, 1);
  ASSERT_EQ(report->rejected, 5);
  EXPECT_EQ(report->errors[0].line, 2);
  EXPECT_EQ(report->errors[1].line, 3);
  EXPECT_EQ(report->errors[2].line, 5);
  EXPECT_EQ(report->errors[3].line, 6);
  EXPECT_EQ(report->errors[4].line, 7);
  EXPECT_EQ(report->errors[4].reason, "JSON invalide");
  std::vector<Message> msgs = All();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].received_at_ms, 1717400000000);
  EXPECT_EQ(msgs[1].body, "Deuxième");
  EXPECT_EQ(msgs[1].received_at_ms, 1717372800000);
  auto decisions = store_->ListDecisions(msgs[0].id);
  ASSERT_TRUE(decisions.ok());
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ((*decisions)[0].agent, "agent.dupont");
}

TEST_F(ImporterTest, MboxSplitsMessagesAndSkipsHostileOnes) {
  std::string bomb = "From: x@y.fr\nSubject: bombe\nContent-Type: multipart/mixed; boundary=m\n\n";
  for (int i = 0; i < 500; ++i) bomb += "--m\n\nx\n";
  bomb += "--m--\n";
  const std::string mbox =
      "From alice@example.fr Mon Jun  3 10:12:00 2024\n"  // line 1
      "From: Alice <alice@example.fr>\n"
      "Subject: =?UTF-8?Q?D=C3=A9m=C3=A9nagement?=\n"
      "Date: Mon, 3 Jun 2024 10:12:00 +0000\n"
      "Message-ID: <m1@example.fr>\n"
      "\n"
      "Je déménage.\n"
      ">From the start, I wanted to ask.\n"
      "\n"                                              // line 9
      "From bob@example.fr Mon Jun  3 11:00:00 2024\n"  // line 10
      + bomb +
      "\n"
      "From carol@example.fr Mon Jun  3 12:00:00 2024\n"
      "From: carol@example.fr\n"
      "Subject: Vide\n"
      "\n"
      "\n"
      "From dave@example.fr Mon Jun  3 13:00:00 2024\n"
      "From: dave@example.fr\n"
      "Subject: Dernier\n"
      "\n"
      "Bonjour\n";
  Importer importer(store_.get(), &clock_);
  auto report = importer.Import(ImportFormat::kMbox, mbox, "prefecture", nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->imported, 2);
  ASSERT_EQ(report->rejected, 2);
  EXPECT_EQ(report->errors[0].line, 10);
  EXPECT_NE(report->errors[0].reason.find("resource_exhausted"), std::string::npos);
  EXPECT_NE(report->errors[1].reason.find("sans texte"), std::string::npos);
  std::vector<Message> msgs = All();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].subject, "Déménagement");
  EXPECT_EQ(msgs[0].body, "Je déménage.\nFrom the start, I wanted to ask.");
  EXPECT_EQ(msgs[0].sender_email, "alice@example.fr");
  EXPECT_EQ(msgs[0].received_at_ms, 1717409520000);
  EXPECT_EQ(msgs[1].subject, "Dernier");

  EXPECT_EQ(importer.Import(ImportFormat::kMbox, "not an mbox", "s", nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ParseTimestampTest, Formats) {
  EXPECT_EQ(ParseTimestamp("1970-01-01"), 0);
  EXPECT_EQ(ParseTimestamp("2024-06-03T10:12:00Z"), 1717409520000);
  EXPECT_EQ(ParseTimestamp("2024-06-03T12:12:00+02:00"), 1717409520000);
  EXPECT_EQ(ParseTimestamp("2024-06-03 10:12:00.250"), 1717409520250);
  EXPECT_EQ(ParseTimestamp("03/06/2024 10:12"), 1717409520000);
  EXPECT_EQ(ParseTimestamp("2024-02-29"), 1709164800000);
  EXPECT_FALSE(ParseTimestamp("2023-02-29"));
  EXPECT_FALSE(ParseTimestamp("2024-13-01"));
  EXPECT_FALSE(ParseTimestamp("2024-06-03T25:00"));
  EXPECT_FALSE(ParseTimestamp("2024-06-03Tgarbage"));
  EXPECT_FALSE(ParseTimestamp("hier"));
  EXPECT_FALSE(ParseTimestamp(""));
}

}  // namespace
}  // namespace plume::channels
