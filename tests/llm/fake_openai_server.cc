#include "fake_openai_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace plume::llm::testing {
namespace {

using Json = nlohmann::json;

Json ChunkJson() {
  return {{"id", "chatcmpl-fake"},
          {"object", "chat.completion.chunk"},
          {"created", 1700000000},
          {"model", kFakeModel}};
}

std::string Event(const Json& json) { return "data: " + json.dump() + "\n\n"; }

}  // namespace

std::string DeltaChunk(const std::string& delta_content) {
  Json chunk = ChunkJson();
  chunk["choices"] = Json::array(
      {{{"index", 0}, {"delta", {{"content", delta_content}}}, {"finish_reason", nullptr}}});
  return Event(chunk);
}

FakeReply FakeReply::ChatJson(const std::string& content, const std::string& finish_reason) {
  FakeReply reply;
  Json body = {{"id", "chatcmpl-fake"},
               {"object", "chat.completion"},
               {"created", 1700000000},
               {"model", kFakeModel},
               {"choices", Json::array({{{"index", 0},
                                         {"message", {{"role", "assistant"}, {"content", content}}},
                                         {"finish_reason", finish_reason}}})},
               {"usage", {{"prompt_tokens", 42}, {"completion_tokens", 7}, {"total_tokens", 49}}}};
  reply.body = body.dump();
  return reply;
}

FakeReply FakeReply::ChatStream(const std::vector<std::string>& deltas, bool role_chunk,
                                bool done) {
  FakeReply reply;
  reply.content_type = "text/event-stream";
  reply.chunked = true;
  if (role_chunk) {
    Json chunk = ChunkJson();
    chunk["choices"] = Json::array({{{"index", 0},
                                     {"delta", {{"role", "assistant"}, {"content", ""}}},
                                     {"finish_reason", nullptr}}});
    reply.pieces.push_back(Event(chunk));
  }
  for (const std::string& delta : deltas) reply.pieces.push_back(DeltaChunk(delta));
  Json finish = ChunkJson();
  finish["choices"] =
      Json::array({{{"index", 0}, {"delta", Json::object()}, {"finish_reason", "stop"}}});
  reply.pieces.push_back(Event(finish));
  Json usage = ChunkJson();
  usage["choices"] = Json::array();
  usage["usage"] = {{"prompt_tokens", 42}, {"completion_tokens", 7}, {"total_tokens", 49}};
  reply.pieces.push_back(Event(usage));
  if (done) reply.pieces.push_back("data: [DONE]\n\n");
  return reply;
}

FakeReply FakeReply::Sse(std::vector<std::string> pieces) {
  FakeReply reply;
  reply.content_type = "text/event-stream";
  reply.chunked = true;
  reply.pieces = std::move(pieces);
  return reply;
}

FakeReply FakeReply::Error(int status, const std::string& message, const std::string& type) {
  FakeReply reply;
  reply.status = status;
  reply.body = Json{{"error", {{"message", message}, {"type", type}, {"code", status}}}}.dump();
  return reply;
}

class FakeOpenAiServer::Impl {
 public:
  Impl() {
    server_.Post(R"(.*/chat/completions)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   Handle(req, res, [](const httplib::Request& r) {
                     Json body = Json::parse(r.body, nullptr, false);
                     const bool stream = body.is_object() && body.value("stream", false);
                     return stream ? FakeReply::ChatStream(kDefaultDeltas)
                                   : FakeReply::ChatJson(kDefaultContent);
                   });
                 });
    server_.Post(R"(.*/embeddings)", [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res, [](const httplib::Request& r) {
        Json body = Json::parse(r.body, nullptr, false);
        Json data = Json::array();
        const Json& inputs = body["input"];
        // Reverse order on purpose: clients must sort by "index".
        for (size_t i = inputs.size(); i-- > 0;) {
          const float length = static_cast<float>(inputs[i].get<std::string>().size());
          data.push_back({{"object", "embedding"},
                          {"index", i},
                          {"embedding", {length, static_cast<float>(i), 0.5f}}});
        }
        FakeReply reply;
        reply.body = Json{{"object", "list"},
                          {"data", data},
                          {"model", body.value("model", "")},
                          {"usage", {{"prompt_tokens", 3}, {"total_tokens", 3}}}}
                         .dump();
        return reply;
      });
    });
    server_.Get(R"(.*/models)", [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res, [](const httplib::Request&) {
        FakeReply reply;
        reply.body =
            Json{{"object", "list"},
                 {"data", Json::array({{{"id", kFakeModel}, {"object", "model"}},
                                       {{"id", kFakeEmbeddingModel}, {"object", "model"}}})}}
                .dump();
        return reply;
      });
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("fake server: cannot bind 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~Impl() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }

  void Enqueue(FakeReply reply) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(reply));
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  // Sleeps up to `ms`, returning early when the server shuts down.
  void Pause(int ms) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  template <typename DefaultReply>
  void Handle(const httplib::Request& req, httplib::Response& res, DefaultReply make_default) {
    FakeReply reply;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back({req.method, req.path, req.target, req.get_header_value("Host"),
                           req.get_header_value("Authorization"), req.body});
      if (queue_.empty()) {
        reply = make_default(req);
      } else {
        reply = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    Pause(reply.delay_ms);
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
    if (!reply.chunked) {
      res.set_content(reply.body, reply.content_type);
      return;
    }
    res.set_chunked_content_provider(
        reply.content_type,
        [this, reply](size_t, httplib::DataSink& sink) { return WritePieces(reply, sink); });
  }

  // Writes the pieces of a chunked reply; false drops the connection.
  bool WritePieces(const FakeReply& reply, httplib::DataSink& sink) const {
    for (size_t i = 0; i < reply.pieces.size(); ++i) {
      Pause(reply.piece_delay_ms);
      if (static_cast<int>(i) == reply.stall_before_piece) Pause(reply.stall_ms);
      const std::string& piece = reply.pieces[i];
      if (stopping_ || !sink.write(piece.data(), piece.size())) return false;
    }
    if (reply.abort_after_pieces) return false;
    sink.done();
    return true;
  }

  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  int port_ = 0;
  mutable std::mutex mu_;
  std::deque<FakeReply> queue_;
  std::vector<RecordedRequest> requests_;
};

FakeOpenAiServer::FakeOpenAiServer() : impl_(std::make_unique<Impl>()), port_(impl_->port()) {}

FakeOpenAiServer::~FakeOpenAiServer() = default;

std::string FakeOpenAiServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

void FakeOpenAiServer::Enqueue(FakeReply reply) { impl_->Enqueue(std::move(reply)); }

std::vector<RecordedRequest> FakeOpenAiServer::requests() const { return impl_->requests(); }

size_t FakeOpenAiServer::request_count() const { return impl_->requests().size(); }

int UnusedLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace plume::llm::testing
