#include "retrieval/xapian_index.h"

#include <xapian.h>

#include <nlohmann/json.hpp>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "util/text.h"

namespace plume::retrieval {

std::string ThemeTerm(std::string_view theme_key) {
  std::string term = "XB" + std::string(theme_key);
  // Xapian terms are limited to 245 bytes; no service-public.fr theme comes close.
  if (term.size() > 240) return "";
  return term;
}

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr size_t kMaxStoredText = 4000;  // bytes of section text kept for snippets

class StopperAdapter final : public Xapian::Stopper {
 public:
  explicit StopperAdapter(const StopWords& sw) : sw_(sw) {}
  bool operator()(const std::string& term) const override { return sw_.Contains(term); }

 private:
  const StopWords& sw_;
};

void AddBooleanTerms(const KnowledgeDocument& d, std::string_view unit, Xapian::Document* x) {
  x->add_boolean_term("XA" + d.audience);
  x->add_boolean_term("XS" + d.source);
  x->add_boolean_term("XK" + d.kind);
  x->add_boolean_term("XT" + std::string(unit));
  // Theme (format 3): "<audience>/<breadcrumb level 1>", what the intent taxonomy maps from.
  if (d.breadcrumb.size() > 1 && !d.breadcrumb[1].label.empty()) {
    std::string theme = ThemeTerm(d.audience + "/" + d.breadcrumb[1].label);
    if (!theme.empty()) x->add_boolean_term(theme);
  }
}

}  // namespace

std::unique_ptr<Xapian::Stopper> MakeXapianStopper(const StopWords& stop_words) {
  return std::make_unique<StopperAdapter>(stop_words);
}

namespace {

constexpr std::string_view kVersionKey = "plume_knowledge_version";
constexpr std::string_view kFormatKey = "plume_index_format";
// Format 2: every unit carries the boolean term XD<document id> and the metadata key
// "h:<document id>" holds the indexed content hash, so UpdateIndex can work document by document.
// Format 3: every unit also carries its theme term XB<audience>/<breadcrumb level 1> (issue #6);
// UpdateIndex re-indexes an index of an older format entirely.
constexpr std::string_view kFormat = "3";
constexpr std::string_view kHashPrefix = "h:";

struct Indexer {
  explicit Indexer(const StopWords& stop_words) : stopper(MakeXapianStopper(stop_words)) {
    tg.set_stemmer(Xapian::Stem("french"));
    tg.set_stopper(stopper.get());
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  }

  // Adds the fiche unit and one chunk unit per section of `d`; returns how many units.
  int64_t Add(const KnowledgeDocument& d, Xapian::WritableDatabase& db) {
    int64_t units = 0;
    const std::string doc_term = "XD" + d.id;
    std::string title = NormalizeForIndex(d.title);
    std::vector<std::string> crumbs;
    for (const auto& b : d.breadcrumb) crumbs.push_back(b.label);
    // Whole fiche.
    {
      Xapian::Document x;
      tg.set_document(x);
      tg.index_text_without_positions(title, 1, "S");
      tg.index_text_without_positions(title, 2);
      tg.index_text_without_positions(NormalizeForIndex(util::Join(crumbs, " ")));
      tg.index_text_without_positions(NormalizeForIndex(d.description));
      tg.index_text_without_positions(NormalizeForIndex(d.introduction));
      for (const auto& sec : d.sections) {
        tg.index_text_without_positions(NormalizeForIndex(util::Join(sec.path, " ")));
      }
      std::string summary = d.description.empty() ? d.introduction : d.description;
      x.set_data(json{{"id", d.id},
                      {"fiche_id", d.fiche_id},
                      {"title", d.title},
                      {"url", d.url},
                      {"path", ""},
                      {"date", d.source_date},
                      {"text", std::string(util::TruncateUtf8(summary, kMaxStoredText))}}
                     .dump());
      x.add_value(0, d.id);
      AddBooleanTerms(d, "fiche", &x);
      x.add_boolean_term("Q" + d.id);
      x.add_boolean_term(doc_term);
      db.add_document(x);
      ++units;
    }
    // One chunk per section.
    for (size_t i = 0; i < d.sections.size(); ++i) {
      const auto& sec = d.sections[i];
      Xapian::Document x;
      tg.set_document(x);
      tg.index_text_without_positions(title, 1, "S");
      tg.index_text_without_positions(title);
      std::string path = util::Join(sec.path, " > ");
      tg.index_text_without_positions(NormalizeForIndex(path), 2);
      tg.index_text_without_positions(NormalizeForIndex(sec.text));
      x.set_data(json{{"id", d.id},
                      {"fiche_id", d.fiche_id},
                      {"title", d.title},
                      {"url", d.url},
                      {"path", path},
                      {"date", d.source_date},
                      {"text", std::string(util::TruncateUtf8(sec.text, kMaxStoredText))}}
                     .dump());
      x.add_value(0, d.id);
      AddBooleanTerms(d, "chunk", &x);
      x.add_boolean_term("Q" + d.id + "#" + std::to_string(i));
      x.add_boolean_term(doc_term);
      db.add_document(x);
      ++units;
    }
    db.set_metadata(std::string(kHashPrefix) + d.id, d.content_hash);
    return units;
  }

  std::unique_ptr<Xapian::Stopper> stopper;
  Xapian::TermGenerator tg;
};

}  // namespace

Result<IndexStats> BuildIndex(Store& store, const fs::path& index_dir, const StopWords& stop_words,
                              Progress& progress) {
  IndexStats stats;
  PLUME_ASSIGN_OR_RETURN(stats.knowledge_version, store.KnowledgeVersion());
  PLUME_ASSIGN_OR_RETURN(int64_t total, store.CountDocuments(false));
  fs::path building = index_dir;
  building += ".building";
  fs::path old = index_dir;
  old += ".old";
  std::error_code ec;
  fs::remove_all(building, ec);
  if (index_dir.has_parent_path()) fs::create_directories(index_dir.parent_path(), ec);
  try {
    Xapian::WritableDatabase db(building.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    Indexer indexer(stop_words);
    progress.Start("Indexation (Xapian BM25)", total);
    int64_t done = 0;
    Status s = store.ForEachDocument(false, [&](const KnowledgeDocument& d) -> Status {
      stats.units += indexer.Add(d, db);
      ++stats.documents;
      progress.Update(++done);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    db.set_metadata(std::string(kVersionKey), std::to_string(stats.knowledge_version));
    db.set_metadata(std::string(kFormatKey), std::string(kFormat));
    db.commit();
    db.close();
    progress.Finish();
  } catch (const Xapian::Error& e) {
    fs::remove_all(building, ec);
    return Internal("Xapian index build failed: " + e.get_description());
  }
  fs::remove_all(old, ec);
  if (fs::exists(index_dir)) {
    fs::rename(index_dir, old, ec);
    if (ec) return Unavailable("cannot move old index aside: " + ec.message());
  }
  fs::rename(building, index_dir, ec);
  if (ec) return Unavailable("cannot install new index: " + ec.message());
  fs::remove_all(old, ec);
  return stats;
}

Result<IndexUpdateStats> UpdateIndex(Store& store, const fs::path& index_dir,
                                     const StopWords& stop_words) {
  IndexUpdateStats stats;
  // Version first: content read afterwards is at least this new, so recording it never claims
  // changes the index lacks (at worst the next update redoes a document).
  PLUME_ASSIGN_OR_RETURN(stats.knowledge_version, store.KnowledgeVersion());
  PLUME_ASSIGN_OR_RETURN(std::vector<DocumentDigest> digests, store.ListDocumentDigests(""));
  try {
    Xapian::WritableDatabase db(index_dir.string(), Xapian::DB_OPEN);
    Indexer indexer(stop_words);
    // One transaction: readers see the old revision until the whole update is committed.
    db.begin_transaction(true);
    std::unordered_map<std::string, std::string> indexed;  // document id -> indexed hash
    if (db.get_metadata(std::string(kFormatKey)) == kFormat) {
      for (auto it = db.metadata_keys_begin(std::string(kHashPrefix));
           it != db.metadata_keys_end(std::string(kHashPrefix)); ++it) {
        const std::string key = *it;
        indexed[key.substr(kHashPrefix.size())] = db.get_metadata(key);
      }
    } else {
      // An index of an older format cannot be updated document by document: replace everything.
      std::vector<Xapian::docid> all;
      for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) all.push_back(*it);
      for (Xapian::docid id : all) db.delete_document(id);
      stats.rebuilt = true;
    }
    for (const DocumentDigest& d : digests) {
      if (d.status != DocumentStatus::kActive) continue;
      auto it = indexed.find(d.id);
      if (it != indexed.end()) {
        const bool same = it->second == d.content_hash;
        indexed.erase(it);
        if (same) {
          ++stats.unchanged;
          continue;
        }
        db.delete_document("XD" + d.id);
        ++stats.replaced;
      } else {
        ++stats.added;
      }
      PLUME_ASSIGN_OR_RETURN(KnowledgeDocument doc, store.GetDocument(d.id));
      indexer.Add(doc, db);
    }
    // Indexed documents that are withdrawn or gone from the store.
    for (const auto& [id, hash] : indexed) {
      db.delete_document("XD" + id);
      db.set_metadata(std::string(kHashPrefix) + id, "");
      ++stats.removed;
    }
    db.set_metadata(std::string(kVersionKey), std::to_string(stats.knowledge_version));
    db.set_metadata(std::string(kFormatKey), std::string(kFormat));
    db.commit_transaction();
    db.close();
  } catch (const Xapian::DatabaseLockError& e) {
    return Unavailable("index is being written by another process: " + e.get_description());
  } catch (const Xapian::DatabaseOpeningError& e) {
    return FailedPrecondition("no search index at " + index_dir.string() + ": " +
                              e.get_description());
  } catch (const Xapian::Error& e) {
    return Internal("Xapian index update failed: " + e.get_description());
  }
  return stats;
}

Result<int64_t> IndexedKnowledgeVersion(const fs::path& index_dir) {
  try {
    Xapian::Database db(index_dir.string());
    std::string v = db.get_metadata(std::string(kVersionKey));
    return v.empty() ? int64_t{-1} : std::stoll(v);
  } catch (const Xapian::DatabaseOpeningError&) {
    return FailedPrecondition("no search index at " + index_dir.string() +
                              " (run `plume kb ingest` or `plume kb index`)");
  } catch (const Xapian::Error& e) {
    return Internal("cannot read index: " + e.get_description());
  } catch (const std::exception& e) {
    return DataLoss(std::string("bad index metadata: ") + e.what());
  }
}

}  // namespace plume::retrieval
