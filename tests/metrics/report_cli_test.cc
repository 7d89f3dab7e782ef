// `plume report` end to end on a temporary SQLite store filled through the Store interface.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "metrics/outcomes.h"
#include "store/factory/store_factory.h"
#include "testing/test_util.h"

namespace plume {
namespace {

constexpr int64_t kH = 3'600'000;
constexpr int64_t kD = 24 * kH;

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout only
};

CliRun Plume(const std::string& args) {
  const std::string cmd = std::string(PLUME_CLI_PATH) + " --quiet " + args + " 2>/dev/null";
  CliRun r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Week of 2026-11-02 (Monday):
//  m1 caf-75 email     rcv T0+1h  draft "Bonjour" accepted            at +24h  -> 24 h
//  m2 caf-75 web_form  rcv T0+1D  draft "abcd" edited "abcdef" (2)    at +48h  -> 48 h, NED 2/6
//  m3 caf-75 email     rcv T0+2D  written without AI                  at +6h   ->  6 h
//  m4 mairie-lyon api  rcv T0+3D  no decision
// Totals: 4 received, 2 drafts, 3 replies, median 24 h, mean 78/3 = 26 h, AI share 2/3,
// draft decisions 2 (1 accepted, 1 edited), NED (0 + 1/3) / 2 = 0.1667.
class ReportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (dir_.path() / "plume.db").string();
    auto opened = OpenStore(db_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Store& store = **opened;
    const int64_t t0 = *metrics::ParseDate("2026-11-02");
    auto message = [&](const char* service, Channel channel, int64_t received) {
      Message m;
      m.service = service;
      m.channel = channel;
      m.body = "Bonjour, une question.";
      m.received_at_ms = received;
      auto id = store.CreateMessage(m);
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      return id.ok() ? *id : 0;
    };
    auto draft = [&](int64_t message_id, const char* text, int64_t at) {
      Draft d;
      d.message_id = message_id;
      d.engine = "embedded";
      d.text = text;
      d.created_at_ms = at;
      auto id = store.CreateDraft(d);
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      return id.ok() ? *id : 0;
    };
    auto decide = [&](int64_t message_id, std::optional<int64_t> draft_id, DecisionKind kind,
                      const char* text, int64_t distance, int64_t at) {
      Decision d;
      d.message_id = message_id;
      d.draft_id = draft_id;
      d.agent = "agent.caf";
      d.kind = kind;
      d.final_text = text;
      d.edit_distance = distance;
      d.decided_at_ms = at;
      auto id = store.RecordDecision(d);
      EXPECT_TRUE(id.ok()) << id.status().ToString();
    };
    const int64_t m1 = message("caf-75", Channel::kEmail, t0 + kH);
    decide(m1, draft(m1, "Bonjour", t0 + 2 * kH), DecisionKind::kAccepted, "Bonjour", 0,
           t0 + 25 * kH);
    const int64_t m2 = message("caf-75", Channel::kWebForm, t0 + kD);
    decide(m2, draft(m2, "abcd", t0 + kD + kH), DecisionKind::kEdited, "abcdef", 2,
           t0 + kD + 48 * kH);
    const int64_t m3 = message("caf-75", Channel::kEmail, t0 + 2 * kD);
    decide(m3, std::nullopt, DecisionKind::kWrittenWithoutAi, "Réponse", 0, t0 + 2 * kD + 6 * kH);
    message("mairie-lyon", Channel::kApi, t0 + 3 * kD);
  }

  std::string Db() const { return "--database-url '" + db_ + "' "; }

  testing::TempDir dir_;
  std::string db_;
};

TEST_F(ReportCliTest, CsvTotalsMatchHandComputedFigures) {
  CliRun r = Plume(Db() + "report --from 2026-11-02 --to 2026-11-08 --csv");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("\r\ntotal,tous,4,2,3,1,1,1,2,0,24.00,26.00,0.6667,"
                                          "0.5000,0.5000,0.0000,0.1667,0,"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("\r\nservice,mairie-lyon,1,0,0,"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("\r\nsemaine,2026-11-02,4,2,3,"));
}

TEST_F(ReportCliTest, ServiceFilterAndText) {
  CliRun r = Plume(Db() + "report --from 2026-11-02 --to 2026-11-08 --service caf-75 --csv");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("\r\ntotal,caf-75,3,2,3,"));
  EXPECT_THAT(r.out, ::testing::Not(::testing::HasSubstr("mairie-lyon")));

  r = Plume(Db() + "report --from 2026-11-02 --to 2026-11-08");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("Délai de réponse médian"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("24,0 h (1,0 j)"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("66,7 %"));

  // A day before the replies: nothing answered yet in that period.
  r = Plume(Db() + "report --from 2026-11-02 --to 2026-11-02 --par jour --csv");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("\r\ntotal,tous,1,1,0,"));
}

TEST_F(ReportCliTest, BadInputExitsWithTwo) {
  EXPECT_EQ(Plume(Db() + "report --from 2026-02-30 --to 2026-03-01").exit_code, 2);
  EXPECT_EQ(Plume(Db() + "report --from 2026-03-02 --to 2026-03-01").exit_code, 2);
  EXPECT_EQ(Plume(Db() + "report --from 2026-03-01 --to 2026-03-02 --par mois").exit_code, 2);
  EXPECT_EQ(Plume(Db() + "report --from 2000-01-01 --to 2026-03-02 --par jour").exit_code, 2);
  EXPECT_EQ(Plume(Db() + "report --to 2026-03-02").exit_code, 2);
}

// `plume demo seed` fills 8 weeks of generated outcomes, once: a second run adds nothing.
TEST(DemoSeedTest, SeedsOutcomesIdempotently) {
  testing::TempDir dir;
  const std::string data = "--data-dir '" + dir.path().string() + "' ";
  CliRun first = Plume(data + "demo seed");
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_THAT(first.out, ::testing::HasSubstr("DÉMONSTRATION"));
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string range = "report --from " + metrics::FormatDate(now - 60 * kD) + " --to " +
                            metrics::FormatDate(now) + " --json";
  CliRun report = Plume(data + range);
  ASSERT_EQ(report.exit_code, 0) << report.out;
  const auto doc = nlohmann::json::parse(report.out);
  const auto& total = doc["total"];
  EXPECT_EQ(total["messages_received"], 180);
  // 12 recent messages per service stay open; the 48 others are answered.
  EXPECT_EQ(total["replies"]["total"], 3 * 48);
  EXPECT_GT(total["replies"]["accepted"].get<int>(), 0);
  EXPECT_GT(total["replies"]["edited"].get<int>(), 0);
  EXPECT_GT(total["replies"]["written_without_ai"].get<int>(), 0);
  EXPECT_GT(total["satisfaction"]["all"]["ratings"].get<int>(), 0);
  EXPECT_GT(total["agent_feedback"]["thumbs_up"].get<int>(), 0);
  EXPECT_GT(total["agent_feedback"]["thumbs_down"].get<int>(), 0);
  EXPECT_LT(total["response_time_hours"]["median"].get<double>(), 9 * 24.0);
  int weeks_with_replies = 0;
  for (const auto& p : doc["periods"]) {
    if (p["figures"]["replies"]["total"].get<int>() > 0) ++weeks_with_replies;
  }
  EXPECT_GE(weeks_with_replies, 6);

  CliRun second = Plume(data + "demo seed");
  ASSERT_EQ(second.exit_code, 0) << second.out;
  EXPECT_THAT(second.out, ::testing::HasSubstr("0 réponses, 0 avis d'usagers, 0 avis d'agents"));
  EXPECT_EQ(Plume(data + range).out, report.out);
}

}  // namespace
}  // namespace plume
