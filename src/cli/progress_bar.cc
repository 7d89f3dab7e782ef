#include "cli/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace plume::cli {

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled), tty_(::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::Start(std::string_view label, int64_t total) {
  std::lock_guard lock(mu_);
  label_ = label;
  total_ = total;
  last_decile_ = -1;
  start_ = std::chrono::steady_clock::now();
  last_draw_ = {};
}

void ProgressBar::Update(int64_t done) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  Draw(done, false);
}

void ProgressBar::Finish() {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  Draw(total_, true);
}

void ProgressBar::Draw(int64_t done, bool final_line) {
  auto now = std::chrono::steady_clock::now();
  double secs = std::chrono::duration<double>(now - start_).count();
  int percent = total_ > 0 ? static_cast<int>(100 * done / total_) : 0;
  if (tty_) {
    if (!final_line && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    int filled = total_ > 0 ? static_cast<int>(kWidth * done / total_) : 0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%-28s [%s] %3d%% %lld/%lld %.1fs", label_.c_str(), bar.c_str(),
                 percent, static_cast<long long>(done), static_cast<long long>(total_), secs);
    if (final_line) std::fputc('\n', stderr);
  } else {
    int decile = percent / 10;
    if (!final_line && decile == last_decile_) return;
    if (final_line && last_decile_ == 10) return;
    last_decile_ = final_line ? 10 : decile;
    std::fprintf(stderr, "%s: %d%% (%lld/%lld) %.1fs\n", label_.c_str(), final_line ? 100 : percent,
                 static_cast<long long>(done), static_cast<long long>(total_), secs);
  }
  std::fflush(stderr);
}

}  // namespace plume::cli
