#include "draft/embedded_engine.h"

#include <algorithm>
#include <set>

#include "draft/grounding_guard.h"
#include "draft/reply_frame.h"
#include "draft/stored_templates.h"
#include "plume/drafter.h"
#include "util/text.h"

namespace plume::draft {
namespace {

constexpr size_t kMaxListItems = 8;
constexpr size_t kMaxUnitChars = 400;

// A line of a fiche (or one sentence of a long line) with the list items that follow it.
struct Unit {
  int section = -1;  // -1: introduction
  size_t order = 0;
  std::string text;
  std::vector<std::string> items;
  double score = 0;
};

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = util::Trim(text.substr(start, end - start));
    if (!line.empty()) lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

// Splits a long line at sentence ends (". " before an upper-case letter or a digit).
std::vector<std::string> Sentences(const std::string& line) {
  if (line.size() <= kMaxUnitChars) return {line};
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i + 2 < line.size(); ++i) {
    if (line[i] == '.' && line[i + 1] == ' ' &&
        (std::isupper(static_cast<unsigned char>(line[i + 2])) ||
         static_cast<unsigned char>(line[i + 2]) >= 0xC3)) {
      out.push_back(line.substr(start, i + 1 - start));
      start = i + 2;
    }
  }
  out.push_back(line.substr(start));
  return out;
}

void AddUnits(std::string_view text, int section, std::vector<Unit>* units) {
  for (auto& line : SplitLines(text)) {
    if (line.rfind("- ", 0) == 0 && !units->empty() && units->back().section == section) {
      units->back().items.push_back(line.substr(2));
      continue;
    }
    for (auto& s : Sentences(line)) {
      Unit u;
      u.section = section;
      u.order = units->size();
      u.text = std::move(s);
      units->push_back(std::move(u));
    }
  }
}

std::string Cut(std::string_view text, size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  std::string_view cut = util::TruncateUtf8(text, max_chars);
  size_t nl = cut.rfind('\n');
  if (nl != std::string_view::npos && nl > max_chars / 2) cut = cut.substr(0, nl);
  return std::string(cut) + "\n[…]";
}

std::string JoinPath(const std::vector<std::string>& path) { return util::Join(path, " > "); }

}  // namespace

EmbeddedEngine::EmbeddedEngine(Store& store, const Retriever& retriever,
                               const retrieval::StopWords& stop_words,
                               const TemplateLibrary& templates, const AgencyProfile& agency,
                               const Clock& clock, EmbeddedOptions options)
    : store_(store),
      retriever_(retriever),
      stop_words_(stop_words),
      templates_(templates),
      agency_(agency),
      clock_(clock),
      options_(options) {}

Result<std::vector<RetrievedSource>> EmbeddedEngine::Sources(const Message& message) const {
  return FindSources(store_, retriever_, message, options_.retrieve_limit, options_.narrowing);
}

Result<std::optional<StoredReplyTemplate>> EmbeddedEngine::StoredTemplateFor(
    const Message& message, const std::vector<RetrievedSource>& found) const {
  return FindStoredTemplate(store_, message, found);
}

Result<std::string> EmbeddedEngine::Body(const Message& message,
                                         const std::vector<std::string>& terms,
                                         const RetrievedSource& best) const {
  (void)message;
  const KnowledgeDocument& doc = best.doc;
  std::string lead = util::NormalizeSpace(doc.description);

  // A réponse type for this fiche: its sections, as written in the fiche.
  if (const ReplyTemplate* tmpl = templates_.ForDocument(doc)) {
    std::set<std::string> wanted;
    for (const auto& s : tmpl->sections) wanted.insert(SectionKey(s));
    ReplySlots slots;
    slots.titre_fiche = doc.title;
    slots.url_fiche = doc.url;
    slots.date_fiche = FrenchDate(doc.source_date);
    slots.corps = lead;
    std::set<std::string> taken;
    for (const auto& section : doc.sections) {
      if (section.path.empty() || !wanted.count(SectionKey(section.path.back()))) continue;
      // Conditional content repeats a title under several cases: keep the first case, the one
      // the retriever matched if any, and say the fiche has the others.
      std::string key = SectionKey(section.path.back());
      bool matched =
          !best.hit.section_path.empty() && JoinPath(section.path) == best.hit.section_path;
      if (taken.count(key) && !matched) continue;
      taken.insert(key);
      std::string title = section.path.size() > 1 ? JoinPath(section.path) : section.path.back();
      slots.extraits.push_back({title, Cut(section.text, options_.max_excerpt_chars)});
      if (slots.extraits.size() == 4) break;
    }
    if (!slots.extraits.empty()) return TemplateLibrary::Render(*tmpl, slots);
  }

  // Otherwise: the summary and the sentences sharing the most terms with the message.
  std::vector<Unit> units;
  AddUnits(doc.introduction, -1, &units);
  for (size_t i = 0; i < doc.sections.size(); ++i) {
    AddUnits(doc.sections[i].text, static_cast<int>(i), &units);
  }
  std::set<std::string> wanted(terms.begin(), terms.end());
  for (auto& u : units) {
    std::string text = u.text;
    for (const auto& item : u.items) text += "\n" + item;
    std::vector<std::string> unit_terms = retrieval::StemmedTerms(text, stop_words_);
    std::set<std::string> distinct(unit_terms.begin(), unit_terms.end());
    for (const auto& t : distinct) u.score += wanted.count(t);
    if (u.section >= 0 && !best.hit.section_path.empty() &&
        JoinPath(doc.sections[u.section].path) == best.hit.section_path) {
      u.score += 0.5;
    }
  }
  std::vector<const Unit*> ranked;
  for (const auto& u : units) {
    if (u.score >= 1) ranked.push_back(&u);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Unit* a, const Unit* b) { return a->score > b->score; });
  if (ranked.size() > static_cast<size_t>(options_.max_sentences)) {
    ranked.resize(options_.max_sentences);
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const Unit* a, const Unit* b) { return a->order < b->order; });
  std::string body = lead;
  int last_section = -2;
  size_t budget = options_.max_excerpt_chars * 2;
  for (const Unit* u : ranked) {
    std::string piece = u->text;
    for (size_t i = 0; i < u->items.size() && i < kMaxListItems; ++i) {
      piece += "\n- " + u->items[i];
    }
    if (u->items.size() > kMaxListItems) piece += "\n- […] (liste complète dans la fiche)";
    if (piece.size() > budget) break;
    budget -= piece.size();
    if (util::NormalizeSpace(piece) == lead) continue;
    if (!body.empty()) body += u->section == last_section ? "\n" : "\n\n";
    if (u->section != last_section && u->section >= 0 && doc.sections[u->section].path.size() > 0 &&
        doc.sections[u->section].path.size() <= 3) {
      body += JoinPath(doc.sections[u->section].path) + " :\n";
    }
    body += piece;
    last_section = u->section;
  }
  if (body.empty()) body = Cut(doc.introduction, options_.max_excerpt_chars);
  return body;
}

Result<Draft> EmbeddedEngine::Generate(const Message& message) const {
  const int64_t start_ms = clock_.NowMillis();
  Draft draft;
  draft.engine = std::string(kEmbeddedEngine);
  draft.engine_version = Version();

  PLUME_ASSIGN_OR_RETURN(std::vector<RetrievedSource> found, Sources(message));
  std::vector<std::string> terms = retrieval::StemmedTerms(QueryFor(message), stop_words_);
  std::set<std::string> distinct_terms(terms.begin(), terms.end());

  ReplySlots slots = FrameSlots(message, agency_);
  AllowedValues allowed = BaseAllowedValues(message, agency_);
  double coverage = found.empty() ? 0 : Coverage(terms, found[0].doc, stop_words_);
  std::string text;
  if (found.empty() || coverage < options_.no_answer_coverage) {
    const ReplyTemplate* ask = templates_.clarification();
    draft.warnings.push_back(NoSourceWarning());
    PLUME_ASSIGN_OR_RETURN(text, TemplateLibrary::Render(ask ? *ask : templates_.frame(), slots));
  } else {
    const RetrievedSource& best = found[0];
    // An approved réponse type of the service (stored_templates.h) first, else the files'.
    PLUME_ASSIGN_OR_RETURN(bool from_store,
                           ApplyStoredTemplate(store_, message, found, agency_, clock_.NowMillis(),
                                               &slots, &allowed, &draft));
    if (!from_store) {
      PLUME_ASSIGN_OR_RETURN(slots.corps, Body(message, terms, best));
      slots.titre_fiche = best.doc.title;
      slots.url_fiche = best.doc.url;
      slots.date_fiche = FrenchDate(best.doc.source_date);
      AddDocumentLinks(best.doc, 3, &slots);
      std::vector<const RetrievedSource*> cited = {&best};
      if (found.size() > 1 && found[1].doc.fiche_id != best.doc.fiche_id &&
          found[1].hit.score >= options_.second_source_ratio * best.hit.score) {
        cited.push_back(&found[1]);
      }
      for (const RetrievedSource* s : cited) {
        CiteDocument(s->doc, clock_.NowMillis(), agency_, &slots, &allowed, &draft);
      }
    }
    if (coverage < options_.low_coverage) draft.warnings.push_back(LowConfidenceWarning(best.doc));
    PLUME_ASSIGN_OR_RETURN(text, TemplateLibrary::Render(templates_.frame(), slots));
  }
  if (distinct_terms.size() < static_cast<size_t>(options_.short_message_words)) {
    draft.warnings.push_back(ShortMessageWarning());
  }
  GuardReport guard = CheckGrounding(TidyReply(text), allowed);
  draft.text = std::move(guard.text);
  for (auto& w : guard.warnings) draft.warnings.push_back(std::move(w));
  draft.latency_ms = clock_.NowMillis() - start_ms;
  return draft;
}

}  // namespace plume::draft
