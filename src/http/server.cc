#include "http/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <chrono>

#include "util/text.h"

namespace plume::http {
namespace {

using json = nlohmann::json;

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, const Status& s) {
  SendJson(res, HttpStatusFor(s.code()),
           {{"error", {{"code", StatusCodeName(s.code())}, {"message", s.message()}}}});
}

constexpr const char* kFallbackPage = R"html(<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Plume</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main>
<h1>Plume</h1>
<p>Le serveur fonctionne. L'interface web n'est pas construite : lancez le script d'installation.</p>
<form action="/api/search"><label for="q">Rechercher dans les fiches</label>
<input id="q" name="q" required><button type="submit">Rechercher</button></form>
</main></body></html>
)html";

}  // namespace

struct Server::Impl {
  Store& store;
  const Retriever& retriever;
  ServerOptions options;
  httplib::Server server;
  int port = 0;

  Impl(Store& s, const Retriever& r, ServerOptions o)
      : store(s), retriever(r), options(std::move(o)) {}

  void Routes() {
    server.set_payload_max_length(options.max_body_bytes);
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                    std::exception_ptr ep) {
      std::string what = "unexpected error";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      spdlog::error("handler exception: {}", what);
      SendError(res, Internal("internal error"));
    });
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      spdlog::info("{{\"method\":\"{}\",\"path\":\"{}\",\"status\":{},\"remote\":\"{}\"}}",
                   req.method, req.path, res.status, req.remote_addr);
    });
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return;
      Status s = res.status == 404   ? NotFound("no such route")
                 : res.status == 413 ? ResourceExhausted("request body too large")
                                     : InvalidArgument("bad request");
      int code = res.status;
      SendError(res, s);
      res.status = code;
    });

    server.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) {
      auto version = store.KnowledgeVersion();
      auto docs = store.CountDocuments(false);
      if (!version.ok()) return SendError(res, version.status());
      if (!docs.ok()) return SendError(res, docs.status());
      SendJson(res, 200,
               {{"status", "ok"}, {"knowledge_version", *version}, {"documents", *docs}});
    });

    server.Get("/api/search", [this](const httplib::Request& req, httplib::Response& res) {
      SearchRequest sr;
      sr.query = req.get_param_value("q");
      if (req.has_param("limit")) {
        try {
          sr.limit = std::stoi(req.get_param_value("limit"));
        } catch (const std::exception&) {
          return SendError(res, InvalidArgument("limit must be an integer"));
        }
      }
      sr.audience = req.get_param_value("audience");
      sr.source = req.get_param_value("source");
      auto hits = retriever.Search(sr);
      if (!hits.ok()) return SendError(res, hits.status());
      json out = json::array();
      for (const auto& h : *hits) {
        out.push_back({{"document_id", h.document_id},
                       {"fiche_id", h.fiche_id},
                       {"title", h.title},
                       {"url", h.url},
                       {"section", h.section_path},
                       {"source_date", h.source_date},
                       {"score", h.score},
                       {"snippet", h.snippet}});
      }
      SendJson(res, 200, {{"results", out}});
    });

    server.Get(R"(/api/documents/([a-z]+)/([A-Za-z0-9]+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 std::string id = std::string(req.matches[1]) + "/" + std::string(req.matches[2]);
                 auto doc = store.GetDocument(id);
                 if (!doc.ok()) return SendError(res, doc.status());
                 json sections = json::array();
                 for (const auto& s : doc->sections) {
                   sections.push_back({{"path", s.path}, {"text", s.text}});
                 }
                 json links = json::array();
                 for (const auto& l : doc->links) {
                   links.push_back({{"kind", l.kind}, {"title", l.title}, {"url", l.url}});
                 }
                 SendJson(res, 200,
                          {{"id", doc->id},
                           {"title", doc->title},
                           {"url", doc->url},
                           {"type", doc->type},
                           {"source_date", doc->source_date},
                           {"status", doc->status == DocumentStatus::kActive ? "active"
                                                                              : "withdrawn"},
                           {"introduction", doc->introduction},
                           {"sections", sections},
                           {"links", links}});
               });

    if (!options.web_dir.empty() && std::filesystem::is_directory(options.web_dir)) {
      server.set_mount_point("/", options.web_dir.string());
    } else {
      server.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kFallbackPage, "text/html; charset=utf-8");
      });
    }
  }
};

Server::Server(Store& store, const Retriever& retriever, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, retriever, std::move(options))) {
  impl_->Routes();
}

Server::~Server() { Stop(); }

Status Server::Bind() {
  if (impl_->options.port == 0) {
    impl_->port = impl_->server.bind_to_any_port(impl_->options.host);
  } else {
    impl_->port = impl_->server.bind_to_port(impl_->options.host, impl_->options.port)
                      ? impl_->options.port
                      : -1;
  }
  if (impl_->port <= 0) {
    return Unavailable("cannot bind " + impl_->options.host + ":" +
                       std::to_string(impl_->options.port));
  }
  return Status::Ok();
}

int Server::port() const { return impl_->port; }

Status Server::Listen() {
  if (!impl_->server.listen_after_bind()) return Unavailable("server stopped with an error");
  return Status::Ok();
}

void Server::Stop() { impl_->server.stop(); }

}  // namespace plume::http
