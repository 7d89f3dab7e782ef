// Satisfaction links on a real SQLite store with a fake clock: the token abuse cases are refused.
#include "metrics/satisfaction.h"

#include <gtest/gtest.h>

#include "auth/tokens.h"
#include "store/sqlite/sqlite_store.h"

namespace plume::metrics {
namespace {

constexpr int64_t kDay = 86'400'000;

class SatisfactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::Open(":memory:");
    ASSERT_TRUE(opened.ok());
    store_ = std::move(opened).value();
    Message m;
    m.service = "caf-75";
    m.body = "Bonjour";
    m.received_at_ms = clock_.NowMillis();
    sent_.message_id = *store_->CreateMessage(m);
    sent_.agent = "agent.caf";
    sent_.kind = DecisionKind::kWrittenWithoutAi;
    sent_.final_text = "Réponse";
    sent_.decided_at_ms = clock_.NowMillis();
    sent_.id = *store_->RecordDecision(sent_);
    SatisfactionOptions o;
    o.max_requests_per_ip_per_hour = 1000;
    service_ = std::make_unique<SatisfactionService>(*store_, clock_, o);
  }

  FakeClock clock_{1'800'000'000'000};
  std::unique_ptr<SqliteStore> store_;
  Decision sent_;
  std::unique_ptr<SatisfactionService> service_;
};

TEST_F(SatisfactionTest, RateThenEditWithinAWeekThenGone) {
  auto token = service_->CreateLink(sent_);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->size(), 43u);
  // Only the hash is stored.
  EXPECT_EQ(store_->GetSatisfactionLink(*token).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetSatisfactionLink(auth::HashToken(*token)).ok());
  // One link per reply.
  EXPECT_EQ(service_->CreateLink(sent_).status().code(), StatusCode::kAlreadyExists);

  auto view = service_->View(*token, "1.2.3.4");
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->rating.has_value());
  EXPECT_EQ(view->editable_until_ms, clock_.NowMillis() + 30 * kDay);

  clock_.Advance(2 * kDay);
  const int64_t first = clock_.NowMillis();
  auto r = service_->Rate(*token, "1.2.3.4", 2, false, "  Pas clair.  ");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->comment, "Pas clair.");
  clock_.Advance(6 * kDay);  // still inside the week: the same rating is edited
  r = service_->Rate(*token, "1.2.3.4", 4, true, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto stored = store_->GetSatisfactionLink(auth::HashToken(*token));
  ASSERT_TRUE(stored->rating.has_value());
  EXPECT_EQ(stored->rating->score, 4);
  EXPECT_EQ(stored->rating->rated_at_ms, first);
  EXPECT_EQ(store_->ListSatisfactionRatings({"", 0, first + 100 * kDay})->size(), 1u);

  clock_.Advance(kDay);  // 7 days after the first rating: reuse refused (410)
  EXPECT_EQ(service_->Rate(*token, "1.2.3.4", 5, true, "").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->View(*token, "1.2.3.4").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetSatisfactionLink(auth::HashToken(*token))->rating->score, 4);
}

TEST_F(SatisfactionTest, ForgedMalformedAndExpiredTokensLookTheSame) {
  auto token = service_->CreateLink(sent_);
  ASSERT_TRUE(token.ok());
  const Status forged = service_->Rate(auth::NewSecret(), "ip", 5, true, "").status();
  const Status malformed = service_->Rate("../../etc/passwd", "ip", 5, true, "").status();
  std::string flipped = *token;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  const Status altered = service_->Rate(flipped, "ip", 5, true, "").status();
  clock_.Advance(30 * kDay);  // never rated, link expired
  const Status expired = service_->Rate(*token, "ip", 5, true, "").status();
  for (const Status& s : {forged, malformed, altered, expired}) {
    EXPECT_EQ(s.code(), StatusCode::kNotFound);
    EXPECT_EQ(s.message(), forged.message());
  }
  EXPECT_FALSE(store_->GetSatisfactionLink(auth::HashToken(*token))->rating.has_value());
}

TEST_F(SatisfactionTest, BadRatingsAreRefusedAndNothingIsStored) {
  auto token = service_->CreateLink(sent_);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(service_->Rate(*token, "ip", 0, true, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->Rate(*token, "ip", 6, true, "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->Rate(*token, "ip", 3, true, std::string(2001, 'x')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->Rate(*token, "ip", 3, true, "\xC3\x28").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(store_->GetSatisfactionLink(auth::HashToken(*token))->rating.has_value());
}

TEST_F(SatisfactionTest, RateLimitedPerClientAndPerToken) {
  SatisfactionOptions o;
  o.max_requests_per_ip_per_hour = 5;
  o.max_requests_per_token_per_hour = 3;
  SatisfactionService limited(*store_, clock_, o);
  auto token = limited.CreateLink(sent_);
  ASSERT_TRUE(token.ok());
  // Enumeration from one address stops after 5 requests, whatever the tokens.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limited.View(auth::NewSecret(), "10.0.0.1").status().code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(limited.View(*token, "10.0.0.1").status().code(), StatusCode::kResourceExhausted);
  // One token hammered from many addresses stops after 3 requests.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limited.View(*token, "10.1.0." + std::to_string(i)).ok());
  }
  EXPECT_EQ(limited.View(*token, "10.2.0.1").status().code(), StatusCode::kResourceExhausted);
  clock_.Advance(3'600'000);  // next window
  EXPECT_TRUE(limited.View(*token, "10.0.0.1").ok());
}

TEST(WindowRateLimiterTest, BoundedMemory) {
  FakeClock clock(0);
  WindowRateLimiter limiter(clock, 1, 1000, 2);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("b"));
  EXPECT_FALSE(limiter.Allow("c"));  // full of keys active in this window
  EXPECT_FALSE(limiter.Allow("a"));
  clock.Advance(1000);
  EXPECT_TRUE(limiter.Allow("c"));  // stale keys pruned
}

}  // namespace
}  // namespace plume::metrics
