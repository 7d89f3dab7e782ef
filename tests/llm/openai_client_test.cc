// Tests of OpenAiClient against FakeOpenAiServer, which stands for the OpenAI-compatible
// endpoints of vLLM / the Albert API, Ollama and llama.cpp server (see fake_openai_server.h).
#include "llm/openai_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "fake_openai_server.h"
#include "plume/clock.h"

namespace plume::llm {
namespace {

using ::plume::llm::testing::DeltaChunk;
using ::plume::llm::testing::FakeOpenAiServer;
using ::plume::llm::testing::FakeReply;
using ::plume::llm::testing::kDefaultContent;
using ::plume::llm::testing::kDefaultDeltas;
using ::plume::llm::testing::kFakeEmbeddingModel;
using ::plume::llm::testing::kFakeModel;
using ::plume::llm::testing::RecordedRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

// 2015-10-21T07:28:00Z, to interpret HTTP-date Retry-After values.
constexpr int64_t kNowMillis = 1445412480000;

ChatRequest SimpleRequest() {
  ChatRequest request;
  request.messages = {{"system", "Tu rédiges des réponses aux usagers."},
                      {"user", "Comment renouveler ma carte d'identité ?"}};
  return request;
}

class OpenAiClientTest : public ::testing::Test {
 protected:
  OpenAiClientConfig Config() const {
    OpenAiClientConfig config;
    config.base_url = server_.base_url();
    config.api_key = "test-key";
    config.default_model = kFakeModel;
    config.default_embedding_model = kFakeEmbeddingModel;
    config.connect_timeout_ms = 2'000;
    config.request_timeout_ms = 20'000;
    config.max_retries = 2;
    config.initial_backoff_ms = 100;
    config.max_backoff_ms = 150;
    return config;
  }

  std::unique_ptr<OpenAiClient> MakeClient(const OpenAiClientConfig& config) {
    auto client =
        OpenAiClient::Create(config, &clock_, [this](int64_t ms, const CancellationToken*) {
          std::lock_guard<std::mutex> lock(mu_);
          sleeps_.push_back(ms);
        });
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }
  std::unique_ptr<OpenAiClient> MakeClient() { return MakeClient(Config()); }

  std::vector<int64_t> sleeps() {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

  // Collects the deltas into `deltas`.
  DeltaCallback Collect(std::vector<std::string>* deltas) {
    return [deltas](std::string_view delta) {
      deltas->emplace_back(delta);
      return true;
    };
  }

  FakeOpenAiServer server_;
  FakeClock clock_{kNowMillis};
  std::mutex mu_;
  std::vector<int64_t> sleeps_;
};

// --- Chat, non-streaming -----------------------------------------------------------------------

TEST_F(OpenAiClientTest, ChatReturnsCompletionAndSendsTheProtocol) {
  auto client = MakeClient();
  ChatRequest request = SimpleRequest();
  request.temperature = 0.5;
  request.max_tokens = 300;
  Result<ChatResponse> response = client->Chat(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->content, kDefaultContent);
  EXPECT_EQ(response->model, kFakeModel);
  EXPECT_EQ(response->finish_reason, "stop");
  EXPECT_EQ(response->usage.prompt_tokens, 42);
  EXPECT_EQ(response->usage.completion_tokens, 7);

  std::vector<RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].authorization, "Bearer test-key");
  Json body = Json::parse(requests[0].body);
  EXPECT_EQ(body["model"], kFakeModel);
  EXPECT_EQ(body["stream"], false);
  EXPECT_EQ(body["temperature"], 0.5);
  EXPECT_EQ(body["max_tokens"], 300);
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][1]["role"], "user");
  EXPECT_EQ(body["messages"][1]["content"], "Comment renouveler ma carte d'identité ?");
  EXPECT_TRUE(sleeps().empty());
}

TEST_F(OpenAiClientTest, ExplicitModelOverridesDefaultAndNoKeyMeansNoAuthorization) {
  OpenAiClientConfig config = Config();
  config.api_key.clear();
  config.base_url += "/";  // a trailing slash is tolerated
  auto client = MakeClient(config);
  ChatRequest request = SimpleRequest();
  request.model = "mistral-small";
  ASSERT_TRUE(client->Chat(request).ok());
  std::vector<RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].authorization, "");
  EXPECT_EQ(Json::parse(requests[0].body)["model"], "mistral-small");
}

TEST_F(OpenAiClientTest, NullContentIsEmpty) {
  auto client = MakeClient();
  FakeReply reply;
  reply.body = R"({"model":"m","choices":[{"index":0,"message":{"role":"assistant",
      "content":null},"finish_reason":"length"}]})";
  server_.Enqueue(reply);
  Result<ChatResponse> response = client->Chat(SimpleRequest());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->content, "");
  EXPECT_EQ(response->finish_reason, "length");
}

TEST_F(OpenAiClientTest, RejectsInvalidRequestsWithoutCallingTheServer) {
  OpenAiClientConfig config = Config();
  config.default_model.clear();
  auto client = MakeClient(config);
  EXPECT_EQ(client->Chat(SimpleRequest()).status().code(), StatusCode::kInvalidArgument);
  ChatRequest request = SimpleRequest();
  request.model = "m";
  request.messages.clear();
  EXPECT_EQ(client->Chat(request).status().code(), StatusCode::kInvalidArgument);
  request = SimpleRequest();
  request.model = "m";
  request.messages[0].role = "tool";
  EXPECT_EQ(client->Chat(request).status().code(), StatusCode::kInvalidArgument);
  request = SimpleRequest();
  request.model = "m";
  request.messages[1].content = "caf\xC3";  // truncated UTF-8
  EXPECT_EQ(client->Chat(request).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(server_.request_count(), 0u);
}

// --- Errors and retries ------------------------------------------------------------------------

TEST_F(OpenAiClientTest, ErrorBodiesMapToStatusCodes) {
  auto client = MakeClient();
  struct Case {
    int http_status;
    StatusCode code;
  };
  for (const Case& c :
       {Case{400, StatusCode::kInvalidArgument}, Case{401, StatusCode::kUnauthenticated},
        Case{403, StatusCode::kPermissionDenied}, Case{404, StatusCode::kNotFound},
        Case{408, StatusCode::kDeadlineExceeded}, Case{422, StatusCode::kInvalidArgument}}) {
    server_.Enqueue(
        FakeReply::Error(c.http_status, "The model `gpt-5` does not exist.", "NotFoundError"));
    Status status = client->Chat(SimpleRequest()).status();
    EXPECT_EQ(status.code(), c.code) << c.http_status << ": " << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr("The model `gpt-5` does not exist."));
    EXPECT_THAT(status.message(), HasSubstr("type=NotFoundError"));
    EXPECT_THAT(status.message(), HasSubstr("HTTP " + std::to_string(c.http_status)));
  }
  EXPECT_EQ(server_.request_count(), 6u);  // none of these is retried
  EXPECT_TRUE(sleeps().empty());
}

TEST_F(OpenAiClientTest, NonJsonErrorBodyIsQuoted) {
  auto client = MakeClient();
  FakeReply reply;
  reply.status = 401;
  reply.content_type = "text/plain";
  reply.body = "Invalid token";
  server_.Enqueue(reply);
  Status status = client->Chat(SimpleRequest()).status();
  EXPECT_EQ(status.code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(status.message(), HasSubstr("Invalid token"));
}

TEST_F(OpenAiClientTest, RetriesAfter500) {
  auto client = MakeClient();
  server_.Enqueue(FakeReply::Error(500, "CUDA out of memory", "InternalServerError"));
  Result<ChatResponse> response = client->Chat(SimpleRequest());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->content, kDefaultContent);
  EXPECT_EQ(server_.request_count(), 2u);
  EXPECT_THAT(sleeps(), ElementsAre(100));
}

TEST_F(OpenAiClientTest, PersistentServerErrorGivesUpWithBackoff) {
  OpenAiClientConfig config = Config();
  config.max_retries = 3;
  auto client = MakeClient(config);
  for (int i = 0; i < 4; ++i) {
    server_.Enqueue(FakeReply::Error(503, "overloaded", "ServiceUnavailableError"));
  }
  Status status = client->Chat(SimpleRequest()).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("after 4 attempts"));
  EXPECT_THAT(status.message(), HasSubstr("overloaded"));
  EXPECT_EQ(server_.request_count(), 4u);
  EXPECT_THAT(sleeps(), ElementsAre(100, 150, 150));  // doubling, capped at max_backoff_ms
}

TEST_F(OpenAiClientTest, RetriesAfter429HonouringRetryAfterSeconds) {
  auto client = MakeClient();
  FakeReply limited = FakeReply::Error(429, "Rate limit reached", "RateLimitError");
  limited.headers = {{"Retry-After", "2"}};
  server_.Enqueue(limited);
  Result<ChatResponse> response = client->Chat(SimpleRequest());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(server_.request_count(), 2u);
  EXPECT_THAT(sleeps(), ElementsAre(2000));
}

TEST_F(OpenAiClientTest, RetryAfterAsHttpDateAndRetryAfterMs) {
  auto client = MakeClient();
  FakeReply by_date = FakeReply::Error(429, "slow down", "RateLimitError");
  by_date.headers = {{"Retry-After", "Wed, 21 Oct 2015 07:28:03 GMT"}};
  server_.Enqueue(by_date);
  FakeReply by_ms = FakeReply::Error(429, "slow down", "RateLimitError");
  by_ms.headers = {{"retry-after-ms", "250"}, {"Retry-After", "1"}};
  server_.Enqueue(by_ms);
  ASSERT_TRUE(client->Chat(SimpleRequest()).ok());
  EXPECT_THAT(sleeps(), ElementsAre(3000, 250));
}

TEST_F(OpenAiClientTest, RetryAfterBeyondLimitFailsAtOnce) {
  auto client = MakeClient();
  FakeReply limited = FakeReply::Error(429, "quota exceeded", "RateLimitError");
  limited.headers = {{"Retry-After", "3600"}};
  server_.Enqueue(limited);
  Status status = client->Chat(SimpleRequest()).status();
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("quota exceeded"));
  EXPECT_EQ(server_.request_count(), 1u);
  EXPECT_TRUE(sleeps().empty());
}

TEST_F(OpenAiClientTest, PersistentRateLimitIsResourceExhausted) {
  OpenAiClientConfig config = Config();
  config.max_retries = 1;
  auto client = MakeClient(config);
  server_.Enqueue(FakeReply::Error(429, "Rate limit reached", "RateLimitError"));
  server_.Enqueue(FakeReply::Error(429, "Rate limit reached", "RateLimitError"));
  EXPECT_EQ(client->Chat(SimpleRequest()).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(server_.request_count(), 2u);
}

TEST_F(OpenAiClientTest, SlowServerBeyondTimeoutIsDeadlineExceededAndNotRetried) {
  OpenAiClientConfig config = Config();
  config.request_timeout_ms = 300;
  auto client = MakeClient(config);
  FakeReply slow = FakeReply::ChatJson("trop tard");
  slow.delay_ms = 30'000;
  server_.Enqueue(slow);
  Status status = client->Chat(SimpleRequest()).status();
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded) << status.ToString();
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(OpenAiClientTest, MalformedJsonBodyIsInternal) {
  auto client = MakeClient();
  FakeReply reply;
  reply.body = R"({"choices":[{"message":{"content":"Bonj)";
  server_.Enqueue(reply);
  Status status = client->Chat(SimpleRequest()).status();
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("malformed JSON"));

  FakeReply no_choices;
  no_choices.body = R"({"object":"chat.completion","choices":[]})";
  server_.Enqueue(no_choices);
  EXPECT_EQ(client->Chat(SimpleRequest()).status().code(), StatusCode::kInternal);
}

TEST_F(OpenAiClientTest, ResponseLargerThanLimitIsResourceExhausted) {
  OpenAiClientConfig config = Config();
  config.max_response_bytes = 64;
  auto client = MakeClient(config);
  server_.Enqueue(FakeReply::ChatJson(std::string(1000, 'x')));
  EXPECT_EQ(client->Chat(SimpleRequest()).status().code(), StatusCode::kResourceExhausted);
}

TEST_F(OpenAiClientTest, ConnectionRefusedIsUnavailableAfterRetries) {
  OpenAiClientConfig config = Config();
  config.base_url = "http://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort()) + "/v1";
  auto client = MakeClient(config);
  Status status = client->Chat(SimpleRequest()).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_THAT(sleeps(), ElementsAre(100, 150));
  EXPECT_EQ(client->ListModels().status().code(), StatusCode::kUnavailable);
}

TEST_F(OpenAiClientTest, BadConfigurationIsInvalidArgument) {
  for (const char* url : {"", "not a url", "ftp://127.0.0.1/v1", "http://", "127.0.0.1:8000/v1",
                          "http://127.0.0.1:8000/v1?key=x", "http://127.0.0.1:8000/v1#frag"}) {
    OpenAiClientConfig config = Config();
    config.base_url = url;
    EXPECT_EQ(OpenAiClient::Create(config).status().code(), StatusCode::kInvalidArgument) << url;
  }
  OpenAiClientConfig config = Config();
  config.api_key = "key\r\nX-Injected: 1";
  EXPECT_EQ(OpenAiClient::Create(config).status().code(), StatusCode::kInvalidArgument);
  config = Config();
  config.request_timeout_ms = 0;
  EXPECT_EQ(OpenAiClient::Create(config).status().code(), StatusCode::kInvalidArgument);
  config = Config();
  config.max_retries = -1;
  EXPECT_EQ(OpenAiClient::Create(config).status().code(), StatusCode::kInvalidArgument);
  config = Config();
  config.base_url = "https://albert.api.etalab.gouv.fr/v1";
  EXPECT_TRUE(OpenAiClient::Create(config).ok());
}

TEST_F(OpenAiClientTest, GoesThroughTheConfiguredProxy) {
  // The fake server plays the HTTP proxy: the client sends it absolute-form request targets for
  // a host that does not resolve, so the call can only succeed through the proxy.
  OpenAiClientConfig config = Config();
  config.base_url = "http://llm.invalid:8000/v1";
  config.proxy = "http://127.0.0.1:" + std::to_string(server_.port());
  auto client = MakeClient(config);
  Result<ChatResponse> response = client->Chat(SimpleRequest());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  std::vector<RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "http://llm.invalid:8000/v1/chat/completions");
  EXPECT_EQ(requests[0].host, "llm.invalid:8000");
  EXPECT_EQ(requests[0].authorization, "Bearer test-key");
}

TEST_F(OpenAiClientTest, NoProxyBypassesTheProxy) {
  OpenAiClientConfig config = Config();
  config.proxy = "http://127.0.0.1:" + std::to_string(testing::UnusedLoopbackPort());
  config.no_proxy = "127.0.0.1";
  auto client = MakeClient(config);
  Result<ChatResponse> response = client->Chat(SimpleRequest());
  ASSERT_TRUE(response.ok()) << response.status().ToString();
}

// --- Streaming ----------------------------------------------------------------------------------

TEST_F(OpenAiClientTest, StreamWithoutRoleChunk) {
  auto client = MakeClient();
  std::vector<std::string> deltas;
  Result<ChatResponse> response = client->ChatStream(SimpleRequest(), Collect(&deltas));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(deltas, kDefaultDeltas);
  EXPECT_EQ(response->content, kDefaultContent);
  EXPECT_EQ(response->model, kFakeModel);
  EXPECT_EQ(response->finish_reason, "stop");
  EXPECT_EQ(response->usage.prompt_tokens, 42);
  EXPECT_EQ(response->usage.completion_tokens, 7);
  std::vector<RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].authorization, "Bearer test-key");
  Json body = Json::parse(requests[0].body);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
}

TEST_F(OpenAiClientTest, StreamWithRoleChunkAndNoUsageOption) {
  OpenAiClientConfig config = Config();
  config.stream_include_usage = false;
  auto client = MakeClient(config);
  server_.Enqueue(FakeReply::ChatStream({"Madame,", " votre demande", " est reçue."}, true));
  std::vector<std::string> deltas;
  Result<ChatResponse> response = client->ChatStream(SimpleRequest(), Collect(&deltas));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_THAT(deltas, ElementsAre("Madame,", " votre demande", " est reçue."));
  EXPECT_EQ(response->content, "Madame, votre demande est reçue.");
  EXPECT_FALSE(Json::parse(server_.requests()[0].body).contains("stream_options"));
}

TEST_F(OpenAiClientTest, StreamSplitAcrossArbitraryBoundariesWithCrLfAndComments) {
  auto client = MakeClient();
  std::string stream = ": keep-alive\r\n\r\n" + DeltaChunk("Bon") + ": ping\n\n" +
                       DeltaChunk("jour é") + "data: [DONE]\r\n\r\n";
  // "\n\n" of the middle events become "\r\n\r\n".
  std::string crlf;
  for (size_t i = 0; i < stream.size(); ++i) {
    if (stream[i] == '\n' && (i == 0 || stream[i - 1] != '\r')) crlf += '\r';
    crlf += stream[i];
  }
  std::vector<std::string> pieces;
  for (size_t i = 0; i < crlf.size(); i += 5) pieces.push_back(crlf.substr(i, 5));
  server_.Enqueue(FakeReply::Sse(pieces));
  std::vector<std::string> deltas;
  Result<ChatResponse> response = client->ChatStream(SimpleRequest(), Collect(&deltas));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_THAT(deltas, ElementsAre("Bon", "jour é"));
  EXPECT_EQ(response->content, "Bonjour é");
}

TEST_F(OpenAiClientTest, StreamEndingWithoutBlankLineAfterDoneIsAccepted) {
  auto client = MakeClient();
  server_.Enqueue(FakeReply::Sse({DeltaChunk("ok"), "data: [DONE]"}));
  std::vector<std::string> deltas;
  Result<ChatResponse> response = client->ChatStream(SimpleRequest(), Collect(&deltas));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->content, "ok");
}

TEST_F(OpenAiClientTest, CutStreamKeepsDeliveredDeltasAndIsNotRetried) {
  auto client = MakeClient();
  FakeReply cut = FakeReply::Sse({DeltaChunk("Madame,"), DeltaChunk(" suite à"),
                                  "data: {\"choices\":[{\"delta\":{\"content\":\" vot"});
  cut.abort_after_pieces = true;
  server_.Enqueue(cut);
  std::vector<std::string> deltas;
  Status status = client->ChatStream(SimpleRequest(), Collect(&deltas)).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr("stream interrupted"));
  EXPECT_THAT(deltas, ElementsAre("Madame,", " suite à"));
  EXPECT_EQ(server_.request_count(), 1u);
  EXPECT_TRUE(sleeps().empty());
}

TEST_F(OpenAiClientTest, StreamEndingCleanlyWithoutDoneIsInterrupted) {
  auto client = MakeClient();
  server_.Enqueue(FakeReply::ChatStream({"Madame,", " merci"}, false, /*done=*/false));
  std::vector<std::string> deltas;
  Status status = client->ChatStream(SimpleRequest(), Collect(&deltas)).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("stream interrupted"));
  EXPECT_THAT(deltas, ElementsAre("Madame,", " merci"));
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(OpenAiClientTest, StalledStreamHitsTheIdleTimeout) {
  OpenAiClientConfig config = Config();
  config.stream_idle_timeout_ms = 300;
  auto client = MakeClient(config);
  FakeReply stalled = FakeReply::Sse({DeltaChunk("Madame,"), DeltaChunk(" jamais")});
  stalled.stall_before_piece = 1;
  stalled.stall_ms = 60'000;
  server_.Enqueue(stalled);
  std::vector<std::string> deltas;
  Status status = client->ChatStream(SimpleRequest(), Collect(&deltas)).status();
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded) << status.ToString();
  EXPECT_THAT(deltas, ElementsAre("Madame,"));
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(OpenAiClientTest, StreamCutBeforeAnyDeltaIsRetried) {
  auto client = MakeClient();
  FakeReply cut = FakeReply::ChatStream({}, /*role_chunk=*/true);
  cut.pieces.resize(1);  // only the role chunk, whose content is empty
  cut.abort_after_pieces = true;
  server_.Enqueue(cut);
  std::vector<std::string> deltas;
  Result<ChatResponse> response = client->ChatStream(SimpleRequest(), Collect(&deltas));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(deltas, kDefaultDeltas);  // delivered once, from the second attempt
  EXPECT_EQ(server_.request_count(), 2u);
  EXPECT_THAT(sleeps(), ElementsAre(100));
}

TEST_F(OpenAiClientTest, StreamRetriedAfter429And500BeforeAnyData) {
  auto client = MakeClient();
  server_.Enqueue(FakeReply::Error(429, "Rate limit reached", "RateLimitError"));
  server_.Enqueue(FakeReply::Error(500, "boom", "InternalServerError"));
  std::vector<std::string> deltas;
  Result<ChatResponse> response = client->ChatStream(SimpleRequest(), Collect(&deltas));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(deltas, kDefaultDeltas);
  EXPECT_EQ(server_.request_count(), 3u);
  EXPECT_THAT(sleeps(), ElementsAre(100, 150));
}

TEST_F(OpenAiClientTest, MalformedStreamChunkIsInternal) {
  auto client = MakeClient();
  server_.Enqueue(FakeReply::Sse({DeltaChunk("Madame,"), "data: {\"choices\": [oops}\n\n",
                                  DeltaChunk(" jamais"), "data: [DONE]\n\n"}));
  std::vector<std::string> deltas;
  Status status = client->ChatStream(SimpleRequest(), Collect(&deltas)).status();
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("malformed JSON in chat completion stream chunk"));
  EXPECT_THAT(deltas, ElementsAre("Madame,"));
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(OpenAiClientTest, ErrorEventInsideStreamIsMapped) {
  // vLLM reports errors raised after the headers as a data event.
  auto client = MakeClient();
  server_.Enqueue(FakeReply::Sse(
      {DeltaChunk("Mad"),
       "data: {\"error\":{\"message\":\"context too long\",\"type\":\"BadRequestError\","
       "\"code\":400}}\n\n",
       "data: [DONE]\n\n"}));
  std::vector<std::string> deltas;
  Status status = client->ChatStream(SimpleRequest(), Collect(&deltas)).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("context too long"));
}

TEST_F(OpenAiClientTest, StreamRequestAnsweredWithPlainJsonIsDeliveredOnce) {
  auto client = MakeClient();
  server_.Enqueue(FakeReply::ChatJson("Réponse complète."));
  std::vector<std::string> deltas;
  Result<ChatResponse> response = client->ChatStream(SimpleRequest(), Collect(&deltas));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_THAT(deltas, ElementsAre("Réponse complète."));
  EXPECT_EQ(response->content, "Réponse complète.");
}

TEST_F(OpenAiClientTest, StreamErrorStatusIsMappedAndNotStreamed) {
  auto client = MakeClient();
  server_.Enqueue(FakeReply::Error(404, "The model `x` does not exist.", "NotFoundError"));
  std::vector<std::string> deltas;
  Status status = client->ChatStream(SimpleRequest(), Collect(&deltas)).status();
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_TRUE(deltas.empty());
}

// --- Cancellation -------------------------------------------------------------------------------

TEST_F(OpenAiClientTest, CancelMidStream) {
  auto client = MakeClient();
  std::vector<std::string> pieces;
  for (int i = 0; i < 200; ++i) pieces.push_back(DeltaChunk("mot "));
  pieces.push_back("data: [DONE]\n\n");
  FakeReply slow = FakeReply::Sse(pieces);
  slow.piece_delay_ms = 20;
  server_.Enqueue(slow);
  CancellationToken token;
  std::vector<std::string> deltas;
  Status status = client
                      ->ChatStream(
                          SimpleRequest(),
                          [&](std::string_view delta) {
                            deltas.emplace_back(delta);
                            if (deltas.size() == 2) token.Cancel();  // the agent closes the draft
                            return true;
                          },
                          &token)
                      .status();
  EXPECT_EQ(status.code(), StatusCode::kCancelled) << status.ToString();
  EXPECT_EQ(deltas.size(), 2u);
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(OpenAiClientTest, DeltaCallbackReturningFalseStopsTheStream) {
  auto client = MakeClient();
  std::vector<std::string> deltas;
  Status status = client
                      ->ChatStream(SimpleRequest(),
                                   [&](std::string_view delta) {
                                     deltas.emplace_back(delta);
                                     return false;
                                   })
                      .status();
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_THAT(deltas, ElementsAre("Bonjour"));
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(OpenAiClientTest, CancelFromAnotherThreadWhileWaitingForASlowServer) {
  auto client = MakeClient();
  FakeReply slow = FakeReply::ChatJson("trop tard");
  slow.delay_ms = 60'000;
  server_.Enqueue(slow);
  CancellationToken token;
  std::thread canceller([&] {
    while (server_.request_count() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    token.Cancel();
  });
  Status status = client->Chat(SimpleRequest(), &token).status();
  canceller.join();
  EXPECT_EQ(status.code(), StatusCode::kCancelled) << status.ToString();
}

TEST_F(OpenAiClientTest, AlreadyCancelledTokenSendsNothing) {
  auto client = MakeClient();
  CancellationToken token;
  token.Cancel();
  EXPECT_EQ(client->Chat(SimpleRequest(), &token).status().code(), StatusCode::kCancelled);
  std::vector<std::string> deltas;
  EXPECT_EQ(client->ChatStream(SimpleRequest(), Collect(&deltas), &token).status().code(),
            StatusCode::kCancelled);
  EXPECT_EQ(client->ListModels(&token).status().code(), StatusCode::kCancelled);
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(OpenAiClientTest, CancelDuringBackoffStopsRetrying) {
  CancellationToken token;
  auto created =
      OpenAiClient::Create(Config(), &clock_, [&](int64_t, const CancellationToken* cancel) {
        EXPECT_EQ(cancel, &token);
        token.Cancel();
      });
  ASSERT_TRUE(created.ok());
  server_.Enqueue(FakeReply::Error(503, "overloaded", "ServiceUnavailableError"));
  Status status = (*created)->Chat(SimpleRequest(), &token).status();
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(server_.request_count(), 1u);
}

// --- Embeddings and models ----------------------------------------------------------------------

TEST_F(OpenAiClientTest, EmbedReturnsVectorsInInputOrder) {
  auto client = MakeClient();
  Result<std::vector<std::vector<float>>> vectors =
      client->Embed({"carte d'identité", "passeport", "titre de séjour"}, "");
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  ASSERT_EQ(vectors->size(), 3u);
  // The fake answers in reverse order; element 1 of each vector is its input position.
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ((*vectors)[i].size(), 3u);
    EXPECT_EQ((*vectors)[i][1], static_cast<float>(i));
  }
  EXPECT_EQ((*vectors)[1][0], 9.0f);  // strlen("passeport")
  std::vector<RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/embeddings");
  EXPECT_EQ(requests[0].authorization, "Bearer test-key");
  Json body = Json::parse(requests[0].body);
  EXPECT_EQ(body["model"], kFakeEmbeddingModel);
  EXPECT_EQ(body["input"].size(), 3u);
  EXPECT_EQ(body["input"][2], "titre de séjour");
}

TEST_F(OpenAiClientTest, EmbedEdgeCases) {
  auto client = MakeClient();
  Result<std::vector<std::vector<float>>> empty = client->Embed({}, "");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(server_.request_count(), 0u);

  FakeReply short_reply;
  short_reply.body = R"({"object":"list","data":[{"index":0,"embedding":[1.0,2.0]}]})";
  server_.Enqueue(short_reply);
  EXPECT_EQ(client->Embed({"a", "b"}, "bge-m3").status().code(), StatusCode::kInternal);
  EXPECT_EQ(Json::parse(server_.requests()[0].body)["model"], "bge-m3");

  server_.Enqueue(FakeReply::Error(404, "model not found", "NotFoundError"));
  EXPECT_EQ(client->Embed({"a"}, "nope").status().code(), StatusCode::kNotFound);
}

TEST_F(OpenAiClientTest, ListModels) {
  auto client = MakeClient();
  Result<std::vector<std::string>> models = client->ListModels();
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  EXPECT_THAT(*models, ElementsAre(kFakeModel, kFakeEmbeddingModel));
  std::vector<RecordedRequest> requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].path, "/v1/models");
  EXPECT_EQ(requests[0].authorization, "Bearer test-key");

  server_.Enqueue(FakeReply::Error(401, "Invalid API key", "AuthenticationError"));
  EXPECT_EQ(client->ListModels().status().code(), StatusCode::kUnauthenticated);
}

// --- Concurrency --------------------------------------------------------------------------------

TEST_F(OpenAiClientTest, ConcurrentCallsShareOneClient) {
  auto client = MakeClient();
  std::vector<std::thread> threads;
  std::vector<Status> statuses(4);
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 3; ++j) {
        std::vector<std::string> deltas;
        Result<ChatResponse> response = (i % 2 == 0)
                                            ? client->Chat(SimpleRequest())
                                            : client->ChatStream(SimpleRequest(), Collect(&deltas));
        if (!response.ok()) {
          statuses[i] = response.status();
        } else if (response->content != kDefaultContent) {
          statuses[i] = Internal("unexpected content " + response->content);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& status : statuses) EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(server_.request_count(), 12u);
}

}  // namespace
}  // namespace plume::llm
