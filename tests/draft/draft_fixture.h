// A DraftService over a small real knowledge base (tests/testing/kb_fixture.h), built once per
// test binary, with a fake clock set to 2026-11-23.
#pragma once

#include <memory>

#include "draft/draft_service.h"
#include "testing/kb_fixture.h"

namespace plume::draft::testing {

inline constexpr int64_t kNowMs = 1'795'392'000'000;  // 2026-11-23T00:00:00Z

struct SharedKb {
  plume::testing::TempDir dir;
  plume::testing::KbFixture kb;
  std::unique_ptr<retrieval::StopWords> stop_words;
  FakeClock clock{kNowMs};
};

// Built on first use, kept for the whole binary (tests only read it).
inline SharedKb& Kb() {
  static SharedKb* kb = [] {
    auto* k = new SharedKb();
    k->kb = plume::testing::BuildKbFixture(k->dir.path());
    auto sw = retrieval::StopWords::Load(retrieval::StopWordsPath(plume::testing::ResourceDir()));
    EXPECT_TRUE(sw.ok());
    k->stop_words = std::make_unique<retrieval::StopWords>(std::move(sw).value());
    return k;
  }();
  return *kb;
}

inline DraftServiceConfig BaseConfig() {
  DraftServiceConfig c;
  c.resource_dir = plume::testing::ResourceDir();
  return c;
}

inline Message CitizenMessage(std::string body, std::string subject = "",
                              std::string sender_name = "") {
  Message m;
  m.id = 1;
  m.service = "mairie-test";
  m.body = std::move(body);
  m.subject = std::move(subject);
  m.sender_name = std::move(sender_name);
  return m;
}

}  // namespace plume::draft::testing
