// FakeDrafter: stands for the lead's DraftService in HTTP tests. Returns a fixed draft with one
// source, streaming its text in a few deltas; in "endless" mode it streams until cancelled and
// reports how the generation ended.
#pragma once

#include <atomic>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plume/drafter.h"

namespace plume::http::fakes {

class FakeDrafter final : public Drafter {
 public:
  static constexpr const char* kText =
      "Bonjour Madame,\nVotre demande de carte d'identité se fait en ligne. Cordialement.";

  Result<Draft> Generate(const DraftRequest& request) override {
    ++calls;
    if (request.message.body.empty()) return InvalidArgument("empty body");
    if (endless) return StreamUntilCancelled(request);
    const std::string text = kText;
    if (request.on_text) {
      const size_t n = 3, step = text.size() / n;
      size_t pos = 0;
      for (size_t i = 0; i < n; ++i) {
        size_t len = i + 1 == n ? text.size() - pos : step;
        // Never split a UTF-8 sequence.
        while (pos + len < text.size() &&
               (static_cast<unsigned char>(text[pos + len]) & 0xC0) == 0x80) {
          ++len;
        }
        if (!request.on_text(std::string_view(text).substr(pos, len))) {
          return Cancelled("cancelled by the caller");
        }
        pos += len;
      }
    }
    Draft d;
    d.engine = request.engine.empty() ? std::string(kEmbeddedEngine) : request.engine;
    d.engine_version = "fake-1";
    d.prompt_version = d.engine == kGenerativeEngine ? "prompt-v3" : "";
    d.text = text;
    d.sources = {{"particuliers/F1342", "Carte d'identité : première demande",
                  "https://www.service-public.fr/particuliers/vosdroits/F1342", "2024-05-01"}};
    d.warnings = {"Vérifiez le délai indiqué."};
    d.latency_ms = 7;
    return d;
  }

  std::vector<std::string> Engines() const override {
    return {std::string(kEmbeddedEngine), std::string(kGenerativeEngine)};
  }

  std::atomic<int> calls{0};
  bool endless = false;                 // set before the request
  std::promise<Status> endless_result;  // how the endless generation ended

 private:
  Result<Draft> StreamUntilCancelled(const DraftRequest& request) {
    Status end = Internal("the stream never stopped");
    for (int i = 0; i < 200000; ++i) {
      if (request.cancel != nullptr && request.cancel->cancelled()) {
        end = Cancelled("token cancelled");
        break;
      }
      if (!request.on_text || !request.on_text("mot ")) {
        end = Cancelled("on_text returned false");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // pacing, not a timing test
    }
    endless_result.set_value(end);
    return end;
  }
};

}  // namespace plume::http::fakes
