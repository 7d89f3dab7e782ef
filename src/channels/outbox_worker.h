// OutboxWorker: runs an OutboxSender on a background thread (`plume serve`): one pass at start,
// then one every `interval` and whenever Wake() is called. Time between passes is real time (a
// condition variable); the sender's retry schedule uses the injected Clock.
//
// Ownership: borrows the sender, which must outlive the worker. Thread-safety: Wake(), Stop(),
// passes() and WaitForPasses() may be called from any thread; Start() once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "channels/outbox.h"

namespace plume::channels {

class OutboxWorker {
 public:
  // Called after each pass with its result (on the worker thread); may be empty.
  using PassCallback = std::function<void(const Result<SendReport>&)>;

  OutboxWorker(OutboxSender* sender, std::chrono::milliseconds interval, PassCallback on_pass)
      : sender_(sender), interval_(interval), on_pass_(std::move(on_pass)) {}
  ~OutboxWorker() { Stop(); }
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  void Start();
  // Asks for a pass now (e.g. a reply was just enqueued).
  void Wake();
  // Stops and joins the thread; a pass in progress finishes first (bounded by the SMTP
  // timeouts). Idempotent.
  void Stop();
  int64_t passes() const;
  // Blocks until `n` passes have completed or the worker is stopped.
  void WaitForPasses(int64_t n);

 private:
  void Run();

  OutboxSender* sender_;
  const std::chrono::milliseconds interval_;
  PassCallback on_pass_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  int64_t passes_ = 0;
  std::thread thread_;
};

}  // namespace plume::channels
