// Terminal progress bar on stderr: redrawn in place on a terminal, one line per 10% otherwise.
//
// Thread-safety: Update() may be called from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "plume/progress.h"

namespace plume::cli {

class ProgressBar final : public Progress {
 public:
  explicit ProgressBar(bool enabled);
  void Start(std::string_view label, int64_t total) override;
  void Update(int64_t done) override;
  void Finish() override;

 private:
  void Draw(int64_t done, bool final_line);

  bool enabled_;
  bool tty_;
  std::mutex mu_;
  std::string label_;
  int64_t total_ = 0;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace plume::cli
