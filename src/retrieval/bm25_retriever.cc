#include "retrieval/bm25_retriever.h"

#include <xapian.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "retrieval/xapian_index.h"
#include "util/text.h"

namespace plume::retrieval {
namespace {

using json = nlohmann::json;

// Documents of the requested themes keep their score, the others `other_theme_weight` of it: the
// two branches match disjoint documents, so each document's weight comes from one branch only.
Xapian::Query NarrowToThemes(const Xapian::Query& query, const SearchRequest& request) {
  if (request.themes.empty() || request.other_theme_weight >= 1) return query;
  std::vector<Xapian::Query> terms;
  for (const std::string& key : request.themes) {
    if (key.ends_with("/*")) {
      terms.emplace_back("XA" + key.substr(0, key.size() - 2));
    } else if (std::string term = ThemeTerm(key); !term.empty()) {
      terms.emplace_back(term);
    }
  }
  if (terms.empty()) return query;
  Xapian::Query scope(Xapian::Query::OP_OR, terms.begin(), terms.end());
  Xapian::Query inside(Xapian::Query::OP_FILTER, query, scope);
  if (request.other_theme_weight <= 0) return inside;
  return Xapian::Query(Xapian::Query::OP_OR, inside,
                       Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                     Xapian::Query(Xapian::Query::OP_AND_NOT, query, scope),
                                     request.other_theme_weight));
}

}  // namespace

struct Bm25Retriever::Impl {
  std::filesystem::path dir;
  StopWords stop_words;
  Bm25Params params;
  mutable std::mutex mu;
  mutable std::vector<std::unique_ptr<Xapian::Database>> pool;  // idle handles
  mutable uint64_t generation = 0;  // bumped by Reopen(); stale handles are dropped

  Result<std::unique_ptr<Xapian::Database>> Acquire(uint64_t* gen) const {
    {
      std::lock_guard lock(mu);
      *gen = generation;
      if (!pool.empty()) {
        auto db = std::move(pool.back());
        pool.pop_back();
        return db;
      }
    }
    try {
      return std::make_unique<Xapian::Database>(dir.string());
    } catch (const Xapian::DatabaseOpeningError&) {
      return FailedPrecondition("no search index at " + dir.string() +
                                " (run `plume kb ingest` first)");
    } catch (const Xapian::Error& e) {
      return Internal("cannot open index: " + e.get_description());
    }
  }

  // Runs one search on `db`; Xapian exceptions propagate to the caller.
  Result<std::vector<SearchHit>> Run(Xapian::Database& db, const SearchRequest& request) const {
    std::vector<SearchHit> hits;
    Xapian::QueryParser qp;
    Xapian::Stem stemmer("french");
    qp.set_stemmer(stemmer);
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    std::unique_ptr<Xapian::Stopper> stopper = MakeXapianStopper(stop_words);
    qp.set_stopper(stopper.get());
    qp.set_default_op(Xapian::Query::OP_OR);
    qp.set_database(db);
    std::string text = NormalizeForIndex(request.query);
    // Citizens' text is not query syntax: no boolean operators, wildcards or field names.
    Xapian::Query body = qp.parse_query(text, 0);
    Xapian::Query query = body;
    if (params.title_boost > 0) {
      Xapian::Query title = qp.parse_query(text, 0, "S");
      query = Xapian::Query(Xapian::Query::OP_OR, body,
                            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, title,
                                          static_cast<double>(params.title_boost)));
    }
    query = NarrowToThemes(query, request);
    std::vector<Xapian::Query> filters;
    if (!request.audience.empty()) filters.emplace_back("XA" + request.audience);
    if (!request.source.empty()) filters.emplace_back("XS" + request.source);
    if (!filters.empty()) {
      query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
    }
    if (!request.include_resources) {
      query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query("XKR"));
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight(params.k1, 0, 1, params.b, 0.5));
    enquire.set_collapse_key(0);
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(request.limit));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      json data = json::parse(it.get_document().get_data(), nullptr, false);
      if (data.is_discarded()) return DataLoss("corrupt document data in the index");
      SearchHit h;
      h.document_id = data.value("id", "");
      h.fiche_id = data.value("fiche_id", "");
      h.title = data.value("title", "");
      h.url = data.value("url", "");
      h.section_path = data.value("path", "");
      h.source_date = data.value("date", "");
      h.score = it.get_weight();
      if (request.with_snippets) {
        h.snippet =
            util::NormalizeSpace(mset.snippet(data.value("text", ""), 300, stemmer,
                                              Xapian::MSet::SNIPPET_BACKGROUND_MODEL, "", "", "…"));
      }
      hits.push_back(std::move(h));
    }
    return hits;
  }

  void Release(std::unique_ptr<Xapian::Database> db, uint64_t gen) const {
    std::lock_guard lock(mu);
    if (gen == generation && pool.size() < 16) pool.push_back(std::move(db));
  }
};

Status ValidateSearchRequest(const SearchRequest& r) {
  if (util::Trim(r.query).empty()) return InvalidArgument("empty query");
  if (r.query.size() > kMaxQueryBytes) {
    return InvalidArgument("query too long: " + std::to_string(r.query.size()) + " bytes (limit " +
                           std::to_string(kMaxQueryBytes) + ")");
  }
  if (!util::IsValidUtf8(r.query)) return InvalidArgument("query is not valid UTF-8");
  if (r.limit < 1 || r.limit > 100) return InvalidArgument("limit must be between 1 and 100");
  if (!(r.other_theme_weight >= 0 && r.other_theme_weight <= 1)) {
    return InvalidArgument("other_theme_weight must be between 0 and 1");
  }
  return Status::Ok();
}

Bm25Retriever::Bm25Retriever(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Bm25Retriever::~Bm25Retriever() = default;

Result<std::unique_ptr<Bm25Retriever>> Bm25Retriever::Open(const std::filesystem::path& index_dir,
                                                           StopWords stop_words,
                                                           Bm25Params params) {
  auto impl = std::make_unique<Impl>();
  impl->dir = index_dir;
  impl->stop_words = std::move(stop_words);
  impl->params = params;
  uint64_t gen = 0;
  PLUME_ASSIGN_OR_RETURN(auto db, impl->Acquire(&gen));
  impl->Release(std::move(db), gen);
  return std::unique_ptr<Bm25Retriever>(new Bm25Retriever(std::move(impl)));
}

Status Bm25Retriever::Reopen() {
  std::lock_guard lock(impl_->mu);
  impl_->pool.clear();
  ++impl_->generation;
  return Status::Ok();
}

Result<std::vector<SearchHit>> Bm25Retriever::Search(const SearchRequest& request) const {
  PLUME_RETURN_IF_ERROR(ValidateSearchRequest(request));
  uint64_t gen = 0;
  PLUME_ASSIGN_OR_RETURN(auto db, impl_->Acquire(&gen));
  // An index updated in place (UpdateIndex) can move on by two revisions while a handle reads an
  // old one: Xapian then throws DatabaseModifiedError, and the search is run again on the latest.
  for (int attempt = 0;; ++attempt) {
    try {
      Result<std::vector<SearchHit>> hits = impl_->Run(*db, request);
      if (hits.ok()) impl_->Release(std::move(db), gen);
      return hits;
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt >= 2)
        return Unavailable("index changed during the search: " + e.get_description());
      try {
        db->reopen();
      } catch (const Xapian::Error& r) {
        return Internal("cannot reopen index: " + r.get_description());
      }
    } catch (const Xapian::Error& e) {
      return Internal("search failed: " + e.get_description());
    }
  }
}

}  // namespace plume::retrieval
