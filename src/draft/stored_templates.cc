#include "draft/stored_templates.h"

#include <set>

#include "draft/reply_frame.h"
#include "plume/intent.h"

namespace plume::draft {

const StoredReplyTemplate* ChooseStoredTemplate(const std::vector<StoredReplyTemplate>& approved,
                                                const std::vector<std::string>& retrieved_ids,
                                                std::string_view intent) {
  if (retrieved_ids.empty()) return nullptr;
  if (intent == kToQualifyIntent) intent = {};  // not classified: no preference
  const StoredReplyTemplate* best = nullptr;
  double best_score = 0;
  for (const auto& t : approved) {
    if (t.status != ReplyTemplateStatus::kApproved || t.document_ids.empty()) continue;
    if (!intent.empty() && !t.intent.empty() && t.intent != intent) continue;
    std::set<std::string> cited(t.document_ids.begin(), t.document_ids.end());
    if (!cited.count(retrieved_ids[0])) continue;
    // Retrieved fiches it cites, by rank, minus a little for each fiche it cites that was not
    // retrieved (a narrower template fits better).
    double score = 0;
    size_t shared = 0;
    for (size_t i = 0; i < retrieved_ids.size(); ++i) {
      if (cited.count(retrieved_ids[i])) {
        score += 1.0 / static_cast<double>(i + 1);
        ++shared;
      }
    }
    score -= 0.1 * static_cast<double>(cited.size() - shared);
    if (!intent.empty() && t.intent == intent) score += 0.25;
    // Ties: the most recent template (highest id).
    if (!best || score > best_score || (score == best_score && t.id > best->id)) {
      best = &t;
      best_score = score;
    }
  }
  return best;
}

std::string StoredTemplateTag(int64_t id) { return "+template:" + std::to_string(id); }

std::string StoredTemplateWarning(const StoredReplyTemplate& tmpl) {
  std::string w = "Brouillon issu de la réponse type n° " + std::to_string(tmpl.id);
  if (!tmpl.title.empty()) w += " « " + tmpl.title + " »";
  w += " (validée";
  if (!tmpl.reviewed_by.empty()) w += " par " + tmpl.reviewed_by;
  w += ") : vérifiez qu'elle répond bien à ce message et complétez les éléments entre crochets.";
  return w;
}

Result<std::optional<StoredReplyTemplate>> FindStoredTemplate(
    Store& store, const Message& message, const std::vector<RetrievedSource>& found) {
  if (message.service.empty() || found.empty()) return std::optional<StoredReplyTemplate>();
  ReplyTemplateFilter filter;
  filter.service = message.service;
  filter.status = ReplyTemplateStatus::kApproved;
  filter.limit = 1000;
  PLUME_ASSIGN_OR_RETURN(std::vector<StoredReplyTemplate> approved,
                         store.ListReplyTemplates(filter));
  std::vector<std::string> retrieved_ids;
  for (const auto& s : found) retrieved_ids.push_back(s.doc.id);
  const StoredReplyTemplate* tmpl = ChooseStoredTemplate(approved, retrieved_ids, message.intent);
  if (!tmpl) return std::optional<StoredReplyTemplate>();
  return std::optional<StoredReplyTemplate>(*tmpl);
}

Result<std::string> RenderStoredTemplate(const StoredReplyTemplate& tmpl, ReplySlots slots,
                                         const KnowledgeDocument& best) {
  slots.titre_fiche = best.title;
  slots.url_fiche = best.url;
  slots.date_fiche = FrenchDate(best.source_date);
  ReplyTemplate as_file;
  as_file.id = "store-" + std::to_string(tmpl.id);
  as_file.kind = TemplateKind::kReply;
  as_file.title = tmpl.title;
  as_file.body = tmpl.body;
  return TemplateLibrary::Render(as_file, slots);
}

Result<bool> ApplyStoredTemplate(Store& store, const Message& message,
                                 const std::vector<RetrievedSource>& found,
                                 const AgencyProfile& agency, int64_t now_ms, ReplySlots* slots,
                                 AllowedValues* allowed, Draft* draft) {
  PLUME_ASSIGN_OR_RETURN(std::optional<StoredReplyTemplate> chosen,
                         FindStoredTemplate(store, message, found));
  if (!chosen) return false;
  const StoredReplyTemplate* tmpl = &*chosen;

  // Its documents, the best retrieved fiche first; withdrawn or missing ones are not cited.
  const KnowledgeDocument& best = found[0].doc;
  std::vector<KnowledgeDocument> docs = {best};
  for (const auto& id : tmpl->document_ids) {
    if (id == best.id) continue;
    Result<KnowledgeDocument> doc = store.GetDocument(id);
    if (!doc.ok()) {
      if (doc.status().code() == StatusCode::kNotFound) continue;
      return doc.status();
    }
    if (doc->status == DocumentStatus::kActive) docs.push_back(std::move(doc).value());
  }

  PLUME_ASSIGN_OR_RETURN(std::string corps, RenderStoredTemplate(*tmpl, *slots, best));

  slots->corps = std::move(corps);
  slots->titre_fiche = best.title;
  slots->url_fiche = best.url;
  slots->date_fiche = FrenchDate(best.source_date);
  AddDocumentLinks(best, 3, slots);
  for (const auto& doc : docs) CiteDocument(doc, now_ms, agency, slots, allowed, draft);
  draft->engine_version += StoredTemplateTag(tmpl->id);
  draft->warnings.push_back(StoredTemplateWarning(*tmpl));
  return true;
}

}  // namespace plume::draft
