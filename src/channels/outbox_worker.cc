#include "channels/outbox_worker.h"

namespace plume::channels {

void OutboxWorker::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Run(); });
}

void OutboxWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void OutboxWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t OutboxWorker::passes() const {
  std::lock_guard lock(mu_);
  return passes_;
}

void OutboxWorker::WaitForPasses(int64_t n) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return passes_ >= n || stop_; });
}

void OutboxWorker::Run() {
  while (true) {
    Result<SendReport> report = sender_->RunOnce();
    if (on_pass_) on_pass_(report);
    std::unique_lock lock(mu_);
    ++passes_;
    cv_.notify_all();
    cv_.wait_for(lock, interval_, [&] { return stop_ || wake_; });
    if (stop_) return;
    wake_ = false;
  }
}

}  // namespace plume::channels
