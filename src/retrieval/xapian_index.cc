#include "retrieval/xapian_index.h"

#include <xapian.h>

#include <nlohmann/json.hpp>

#include <system_error>

#include "util/text.h"

namespace plume::retrieval {
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
}

}  // namespace

std::unique_ptr<Xapian::Stopper> MakeXapianStopper(const StopWords& stop_words) {
  return std::make_unique<StopperAdapter>(stop_words);
}

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
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("french"));
    std::unique_ptr<Xapian::Stopper> stopper = MakeXapianStopper(stop_words);
    tg.set_stopper(stopper.get());
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    progress.Start("Indexation (Xapian BM25)", total);
    int64_t done = 0;
    Status s = store.ForEachDocument(false, [&](const KnowledgeDocument& d) -> Status {
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
        db.add_document(x);
        ++stats.units;
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
        db.add_document(x);
        ++stats.units;
      }
      ++stats.documents;
      progress.Update(++done);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    db.set_metadata("plume_knowledge_version", std::to_string(stats.knowledge_version));
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

Result<int64_t> IndexedKnowledgeVersion(const fs::path& index_dir) {
  try {
    Xapian::Database db(index_dir.string());
    std::string v = db.get_metadata("plume_knowledge_version");
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
