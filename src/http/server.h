// HTTP server: JSON API and the web front end, on cpp-httplib.
//
// Routes (all errors are JSON {"error":{"code","message"}} with a 4xx/5xx status):
//   GET /api/health                      liveness and knowledge-base version
//   GET /api/search?q=&limit=&audience=  BM25 search over the knowledge base
//   GET /api/documents/{audience}/{id}   one knowledge document with sections and links
//   GET /*                               static files of the built front end (web_dir)
//
// Ownership: the server borrows `store` and `retriever`; both must outlive it.
// Thread-safety: Start() once; Stop() from any thread; handlers run on httplib's pool.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "plume/retriever.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::filesystem::path web_dir;  // built front end; empty serves a minimal built-in page
  size_t max_body_bytes = 1 << 20;
};

class Server {
 public:
  Server(Store& store, const Retriever& retriever, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket. Errors: kUnavailable when the address cannot be bound.
  Status Bind();
  // Port actually bound (after Bind()).
  int port() const;
  // Serves until Stop(); blocks the calling thread.
  Status Listen();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plume::http
