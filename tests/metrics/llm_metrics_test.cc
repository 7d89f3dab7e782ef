// MeteredLlmClient around the real OpenAiClient, talking to the in-process fake OpenAI-compatible
// server (it stands for vLLM / the Albert API, Ollama /v1 and llama.cpp server).
#include "metrics/llm_metrics.h"

#include <gtest/gtest.h>

#include "../llm/fake_openai_server.h"
#include "llm/openai_client.h"
#include "plume/clock.h"

namespace plume::metrics {
namespace {

using llm::testing::FakeOpenAiServer;
using llm::testing::FakeReply;

class MeteredLlmClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    llm::OpenAiClientConfig c;
    c.base_url = server_.base_url();
    c.default_model = llm::testing::kFakeModel;
    c.default_embedding_model = llm::testing::kFakeEmbeddingModel;
    c.max_retries = 0;
    auto client = llm::OpenAiClient::Create(c, &clock_, [](int64_t, const CancellationToken*) {});
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    metered_ = std::make_unique<MeteredLlmClient>(std::move(client).value(), registry_, clock_);
  }

  static ChatRequest Request() {
    ChatRequest r;
    r.messages = {{"user", "Bonjour"}};
    return r;
  }

  FakeOpenAiServer server_;
  FakeClock clock_{1'700'000'000'000};
  Registry registry_;
  std::unique_ptr<MeteredLlmClient> metered_;
};

TEST_F(MeteredLlmClientTest, CountsCallsTokensAndErrors) {
  auto r = metered_->Chat(Request());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string seen;
  server_.Enqueue(FakeReply::ChatStream(llm::testing::kDefaultDeltas));
  auto s = metered_->ChatStream(Request(), [&](std::string_view d) {
    seen += d;
    return true;
  });
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(seen, llm::testing::kDefaultContent);  // the decorator passes deltas through
  server_.Enqueue(FakeReply::Error(503, "surchargé", "server_error"));
  EXPECT_EQ(metered_->Chat(Request()).status().code(), StatusCode::kUnavailable);

  const std::string text = registry_.Expose();
  EXPECT_NE(text.find("plume_llm_requests_total{operation=\"chat\",code=\"ok\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("plume_llm_requests_total{operation=\"chat_stream\",code=\"ok\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("plume_llm_requests_total{operation=\"chat\",code=\"unavailable\"} 1"),
            std::string::npos)
      << text;
  // The fake server reports 42 prompt and 7 completion tokens per completion (JSON and stream).
  EXPECT_NE(text.find("plume_llm_tokens_total{kind=\"prompt\"} 84"), std::string::npos) << text;
  EXPECT_NE(text.find("plume_llm_tokens_total{kind=\"completion\"} 14"), std::string::npos) << text;
  EXPECT_NE(text.find("plume_llm_request_duration_seconds_count{operation=\"chat\"} 2"),
            std::string::npos)
      << text;
}

TEST_F(MeteredLlmClientTest, EmbeddingsAndModelsAreCounted) {
  ASSERT_TRUE(metered_->Embed({"a", "b"}, "").ok());
  ASSERT_TRUE(metered_->ListModels().ok());
  const std::string text = registry_.Expose();
  EXPECT_NE(text.find("plume_llm_requests_total{operation=\"embed\",code=\"ok\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("plume_llm_requests_total{operation=\"models\",code=\"ok\"} 1"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace plume::metrics
