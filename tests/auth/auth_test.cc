// Passwords, tokens, rate limiting and sessions over a real SQLite store, with a FakeClock.
#include <gtest/gtest.h>

#include <set>

#include "auth/authenticator.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "auth/tokens.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/test_util.h"

namespace plume::auth {
namespace {

constexpr int64_t kStart = 1'800'000'000'000;

TEST(PasswordTest, HashIsArgon2idSaltedAndVerifies) {
  auto h1 = HashPassword("correct horse battery", FastPasswordParamsForTests());
  auto h2 = HashPassword("correct horse battery", FastPasswordParamsForTests());
  ASSERT_TRUE(h1.ok()) << h1.status().ToString();
  ASSERT_TRUE(h2.ok());
  EXPECT_EQ(h1->rfind("$argon2id$", 0), 0u) << *h1;
  EXPECT_NE(*h1, *h2) << "salt must differ";
  EXPECT_EQ(h1->find("correct horse"), std::string::npos);
  EXPECT_TRUE(*VerifyPassword("correct horse battery", *h1));
  EXPECT_FALSE(*VerifyPassword("correct horse batterY", *h1));
  EXPECT_FALSE(*VerifyPassword("", *h1));
  EXPECT_EQ(VerifyPassword("x", "not a hash").status().code(), StatusCode::kDataLoss);
}

TEST(PasswordTest, ServerDefaultsAreOwaspLevel) {
  PasswordParams p;
  EXPECT_EQ(p.time_cost, 2u);
  EXPECT_EQ(p.memory_kib, 19u * 1024);
  auto h = HashPassword("mot de passe assez long", p);
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->find("m=19456,t=2,p=1"), std::string::npos) << *h;
}

TEST(PasswordTest, NewPasswordRules) {
  EXPECT_FALSE(ValidateNewPassword("court").ok());
  EXPECT_FALSE(ValidateNewPassword("ééééééééé").ok());  // 9 code points, 18 bytes
  EXPECT_TRUE(ValidateNewPassword("éééééééééé").ok());
  EXPECT_FALSE(ValidateNewPassword(std::string(1025, 'a')).ok());
  EXPECT_FALSE(ValidateNewPassword("abcdefghij\xff").ok());
}

TEST(TokensTest, SecretsAreRandomAndHashesStable) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(NewSecret());
  EXPECT_EQ(seen.size(), 100u);
  std::string s = NewSecret();
  EXPECT_EQ(s.size(), 43u);
  EXPECT_EQ(HashToken(s), HashToken(s));
  EXPECT_EQ(HashToken(s).size(), 64u);
  EXPECT_NE(HashToken(s), HashToken(NewSecret()));
  EXPECT_EQ(NewApiToken().rfind("plm_", 0), 0u);
  EXPECT_EQ(CsrfTokenFor(s), CsrfTokenFor(s));
  EXPECT_NE(CsrfTokenFor(s), CsrfTokenFor(NewSecret()));
  EXPECT_NE(CsrfTokenFor(s), s);
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(RateLimiterTest, LocksAfterMaxFailuresThenReleases) {
  FakeClock clock(kStart);
  LoginRateLimiter limiter(clock, {3, 60'000, 300'000, 100});
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(limiter.Allowed("alice"));
    limiter.RecordFailure("alice");
  }
  EXPECT_TRUE(limiter.Allowed("alice"));
  limiter.RecordFailure("alice");
  EXPECT_FALSE(limiter.Allowed("alice"));
  EXPECT_TRUE(limiter.Allowed("bob"));
  clock.Advance(299'999);
  EXPECT_FALSE(limiter.Allowed("alice"));
  clock.Advance(1);
  EXPECT_TRUE(limiter.Allowed("alice"));
}

TEST(RateLimiterTest, FailuresOutsideTheWindowDoNotAccumulate) {
  FakeClock clock(kStart);
  LoginRateLimiter limiter(clock, {3, 60'000, 300'000, 100});
  limiter.RecordFailure("alice");
  limiter.RecordFailure("alice");
  clock.Advance(60'001);
  limiter.RecordFailure("alice");
  EXPECT_TRUE(limiter.Allowed("alice"));
  limiter.RecordSuccess("alice");
  limiter.RecordFailure("alice");
  limiter.RecordFailure("alice");
  EXPECT_TRUE(limiter.Allowed("alice"));
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::Open((dir_.path() / "plume.db").string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    AuthOptions o;
    o.password = FastPasswordParamsForTests();
    o.session_ttl_ms = 3'600'000;
    o.rate_limit = {3, 60'000, 300'000, 100};
    auth_ = std::make_unique<Authenticator>(*store_, clock_, o);
    Agent a;
    a.login = "claire.martin";
    a.display_name = "Claire Martin";
    a.service = "prefecture-69";
    auto created = auth_->CreateAgent(a, "mot de passe solide");
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    EXPECT_TRUE(created->password_hash.empty());
  }

  testing::TempDir dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, LoginCreatesAHashedSessionAndAuditLine) {
  auto r = auth_->Login("claire.martin", "mot de passe solide");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->agent.login, "claire.martin");
  EXPECT_TRUE(r->agent.password_hash.empty());
  EXPECT_EQ(r->expires_at_ms, kStart + 3'600'000);
  // Only the hash is stored.
  EXPECT_EQ(store_->GetSession(r->session_secret).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetSession(HashToken(r->session_secret)).ok());
  auto p = auth_->AuthenticateSession(r->session_secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->agent.login, "claire.martin");
  EXPECT_EQ(p->csrf_token, r->csrf_token);
  auto audit = store_->ListAudit({});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "login");
  EXPECT_EQ((*audit)[0].service, "prefecture-69");
}

TEST_F(AuthenticatorTest, WrongPasswordAndUnknownLoginAreIndistinguishable) {
  auto wrong = auth_->Login("claire.martin", "mauvais mot de passe");
  auto unknown = auth_->Login("personne", "mot de passe solide");
  auto invalid = auth_->Login("pas un login !", "mot de passe solide");
  for (const auto* r : {&wrong, &unknown, &invalid}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(r->status().message(), kBadCredentialsMessage);
  }
  auto audit = store_->ListAudit({});
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].action, "login_failed");
}

TEST_F(AuthenticatorTest, RateLimitedEvenWithTheRightPasswordUntilLockoutEnds) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(auth_->Login("claire.martin", "essai " + std::to_string(i) + " raté").status().code(),
              StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(auth_->Login("claire.martin", "mot de passe solide").status().code(),
            StatusCode::kResourceExhausted);
  clock_.Advance(300'000);
  EXPECT_TRUE(auth_->Login("claire.martin", "mot de passe solide").ok());
}

TEST_F(AuthenticatorTest, SessionExpiresAndLogoutInvalidates) {
  auto r = auth_->Login("claire.martin", "mot de passe solide");
  ASSERT_TRUE(r.ok());
  clock_.Advance(3'599'999);
  EXPECT_TRUE(auth_->AuthenticateSession(r->session_secret).ok());
  clock_.Advance(1);
  EXPECT_EQ(auth_->AuthenticateSession(r->session_secret).status().code(),
            StatusCode::kUnauthenticated);
  auto r2 = auth_->Login("claire.martin", "mot de passe solide");
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE(auth_->Logout(r2->session_secret).ok());
  EXPECT_EQ(auth_->AuthenticateSession(r2->session_secret).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->AuthenticateSession("").status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, ApiTokensAreStoredHashedAndScoped) {
  auto t = auth_->CreateApiToken("caf-75", "formulaire web");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->token.rfind("plm_", 0), 0u);
  EXPECT_EQ(store_->GetApiTokenByHash(t->token).status().code(), StatusCode::kNotFound);
  auto p = auth_->AuthenticateBearer(t->token);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->is_agent());
  EXPECT_EQ(p->service, "caf-75");
  EXPECT_EQ(p->token.id, t->id);
  EXPECT_EQ(auth_->AuthenticateBearer("plm_inconnu").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_->AuthenticateBearer(t->token.substr(4)).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_FALSE(auth_->CreateApiToken("", "x").ok());
}

TEST_F(AuthenticatorTest, AccountValidation) {
  Agent a;
  a.login = "claire.martin";
  a.service = "prefecture-69";
  EXPECT_EQ(auth_->CreateAgent(a, "mot de passe solide").status().code(),
            StatusCode::kAlreadyExists);
  a.login = "autre";
  EXPECT_EQ(auth_->CreateAgent(a, "court").status().code(), StatusCode::kInvalidArgument);
  a.login = "with space";
  EXPECT_EQ(auth_->CreateAgent(a, "mot de passe solide").status().code(),
            StatusCode::kInvalidArgument);
  a.login = "autre";
  a.service = "";
  EXPECT_EQ(auth_->CreateAgent(a, "mot de passe solide").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace plume::auth
