// Progress reporting for long work (ingest, indexing, evaluation, imports).
#pragma once

#include <cstdint>
#include <string_view>

namespace plume {

class Progress {
 public:
  virtual ~Progress() = default;
  // Starts a phase of `total` steps (0 when unknown).
  virtual void Start(std::string_view label, int64_t total) = 0;
  // `done` steps of the current phase are finished. May be called from several threads.
  virtual void Update(int64_t done) = 0;
  virtual void Finish() = 0;
};

// Discards everything; the default when no one is watching.
class NullProgress final : public Progress {
 public:
  void Start(std::string_view, int64_t) override {}
  void Update(int64_t) override {}
  void Finish() override {}
};

}  // namespace plume
