#include "intent/corrections.h"

#include <nlohmann/json.hpp>

#include "plume/intent.h"
#include "util/files.h"
#include "util/hash.h"
#include "util/text.h"

namespace plume::intent {

using json = nlohmann::json;

Result<bool> RecordCorrection(Store& store, const Taxonomy& taxonomy, IntentCorrection c,
                              const Clock& clock) {
  if (c.text.empty() || c.text.size() > kMaxIntentTextBytes || !util::IsValidUtf8(c.text)) {
    return InvalidArgument("texte de correction vide, trop long ou pas en UTF-8 valide");
  }
  if (NormalizeForIntent(c.text).empty()) {
    return InvalidArgument("le texte de correction ne contient aucun mot");
  }
  if (!taxonomy.Contains(c.label)) {
    return InvalidArgument("intention inconnue « " + c.label + " »");
  }
  if (!util::IsValidUtf8(c.agent) || !util::IsValidUtf8(c.predicted)) {
    return InvalidArgument("agent ou intention prédite pas en UTF-8 valide");
  }
  if (c.agent.empty()) c.agent = "inconnu";
  c.at_ms = clock.NowMillis();
  ImportedIntentCorrection record;
  record.key =
      "cli:" + util::ContentHash(json{
                   {"text", c.text}, {"label", c.label}, {"agent", c.agent}, {"at_ms", c.at_ms}}
                                     .dump());
  record.correction.text = std::move(c.text);
  record.correction.label = std::move(c.label);
  record.correction.predicted = std::move(c.predicted);
  record.correction.agent = std::move(c.agent);
  record.correction.created_at_ms = c.at_ms;
  PLUME_ASSIGN_OR_RETURN(int64_t added, store.ImportIntentCorrections({record}));
  return added > 0;
}

namespace {

// One non-blank line of a corrections file and its JSON object.
struct CorrectionLine {
  std::string_view raw;  // trimmed; points into the file's text
  json object;           // has non-empty string "text" and "label"
};

// Splits `text` (the content of `file`) into lines. Errors: kDataLoss naming the first line that
// is not a JSON object with non-empty string "text" and "label".
Result<std::vector<CorrectionLine>> ParseCorrectionLines(const std::filesystem::path& file,
                                                         std::string_view text) {
  std::vector<CorrectionLine> out;
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line = util::Trim(text.substr(start, nl - start));
    start = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, false);
    auto non_empty_string = [&j](const char* key) {
      return j.contains(key) && j[key].is_string() && !j[key].get_ref<const std::string&>().empty();
    };
    if (j.is_discarded() || !j.is_object() || !non_empty_string("text") ||
        !non_empty_string("label")) {
      return DataLoss(file.string() + ", ligne " + std::to_string(line_no) +
                      " : correction illisible");
    }
    out.push_back({line, std::move(j)});
  }
  return out;
}

}  // namespace

Result<std::vector<LabeledExample>> LoadCorrections(const std::filesystem::path& file,
                                                    const Taxonomy& taxonomy, int64_t* skipped) {
  std::vector<LabeledExample> out;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return out;
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
  PLUME_ASSIGN_OR_RETURN(std::vector<CorrectionLine> lines, ParseCorrectionLines(file, text));
  for (const CorrectionLine& line : lines) {
    std::string label = line.object["label"];
    if (!taxonomy.Contains(label)) {
      if (skipped != nullptr) ++*skipped;
      continue;
    }
    std::string t = line.object["text"];
    out.push_back({t, label, "correction:" + util::ContentHash(t).substr(0, 16), "correction", ""});
  }
  return out;
}

Result<std::vector<LabeledExample>> LoadStoreCorrections(Store& store, const Taxonomy& taxonomy,
                                                         int64_t* skipped) {
  std::vector<LabeledExample> out;
  int64_t after = 0;
  while (true) {
    PLUME_ASSIGN_OR_RETURN(auto page, store.ListIntentCorrections(after, 1000));
    for (const IntentCorrectionRecord& c : page) {
      after = c.id;
      if (!taxonomy.Contains(c.label)) {
        if (skipped != nullptr) ++*skipped;
        continue;
      }
      out.push_back({c.text, c.label, "correction:" + util::ContentHash(c.text).substr(0, 16),
                     "correction", ""});
    }
    if (page.size() < 1000) break;
  }
  return out;
}

Result<CorrectionsImport> ImportCorrectionsFile(Store& store, const Taxonomy& taxonomy,
                                                const std::filesystem::path& file) {
  CorrectionsImport out;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return out;
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
  std::vector<ImportedIntentCorrection> batch;
  PLUME_ASSIGN_OR_RETURN(std::vector<CorrectionLine> lines, ParseCorrectionLines(file, text));
  for (const CorrectionLine& line_entry : lines) {
    const std::string_view line = line_entry.raw;
    const json& j = line_entry.object;
    auto string_or_empty = [&j](const char* key) {
      return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
    };
    ++out.lines;
    ImportedIntentCorrection c;
    c.key = "jsonl:" + util::ContentHash(line);
    c.correction.text = string_or_empty("text");
    c.correction.label = string_or_empty("label");
    c.correction.predicted = string_or_empty("predicted");
    c.correction.agent = string_or_empty("agent");
    if (c.correction.agent.empty()) c.correction.agent = "inconnu";
    if (j.contains("at_ms") && j["at_ms"].is_number_integer()) {
      c.correction.created_at_ms = j["at_ms"].get<int64_t>();
    }
    if (!taxonomy.Contains(c.correction.label)) {
      ++out.skipped;
      continue;
    }
    batch.push_back(std::move(c));
  }
  PLUME_ASSIGN_OR_RETURN(out.added, store.ImportIntentCorrections(batch));
  std::filesystem::path target = file;
  target += ".imported";
  for (int n = 2; std::filesystem::exists(target, ec); ++n) {
    target = file;
    target += ".imported." + std::to_string(n);
  }
  std::filesystem::rename(file, target, ec);
  if (ec) {
    return Unavailable("corrections importées mais fichier non renommé (" + file.string() +
                       ") : " + ec.message());
  }
  out.renamed_to = target;
  return out;
}

}  // namespace plume::intent
