#include "draft/generative_engine.h"

#include <re2/re2.h>

#include <optional>
#include <set>

#include "draft/grounding_guard.h"
#include "draft/reply_frame.h"
#include "draft/stored_templates.h"
#include "plume/drafter.h"
#include "util/text.h"

namespace plume::draft {
namespace {

constexpr size_t kMaxHeldBytes = 48;  // a "[...]" longer than this is not a marker
constexpr char kBodyMarker[] = "\x01CORPS\x01";
// Between the message and the réponse type while they are pseudonymised together: control
// characters and a word no detector reads as personal data.
constexpr std::string_view kTemplateSeparator = "\n\n\x1eREPONSE-TYPE\x1e\n\n";

const RE2& CitationPattern() {
  static const RE2* re =  // never destroyed: used until exit
      new RE2(R"((\s?\[\s*((?:[Ss]\s?\d+\s*[,;]?\s*)+)\]))");
  return *re;
}

std::string Excerpt(const RetrievedSource& s, size_t max_chars) {
  const KnowledgeDocument& doc = s.doc;
  std::string text = util::NormalizeSpace(doc.description);
  for (const auto& section : doc.sections) {
    if (!s.hit.section_path.empty() && util::Join(section.path, " > ") == s.hit.section_path) {
      text.append("\n").append(s.hit.section_path).append(" :\n").append(section.text);
    }
  }
  // Appended piece by piece ("\n" + std::string trips a false -Wrestrict in GCC 12 at -O3).
  if (s.hit.section_path.empty() || text.size() < max_chars / 2) {
    if (!doc.introduction.empty()) text.append("\n").append(doc.introduction);
    for (const auto& section : doc.sections) {
      if (text.size() >= max_chars) break;
      if (!section.path.empty()) {
        text.append("\n").append(util::Join(section.path, " > ")).append(" :");
      }
      text.append("\n").append(section.text);
    }
  }
  std::string_view cut = util::TruncateUtf8(text, max_chars);
  return std::string(cut);
}

}  // namespace

std::string StreamingRestorer::Resolve(const std::string& bracketed) const {
  if (RE2::FullMatch(bracketed, CitationPattern())) return "";
  return privacy::Restore(bracketed, mapping_).text;
}

std::string StreamingRestorer::Feed(std::string_view delta) {
  pending_.append(delta);
  std::string out;
  size_t pos = 0;
  while (pos < pending_.size()) {
    size_t open = pending_.find('[', pos);
    if (open == std::string::npos) {
      out.append(pending_, pos, std::string::npos);
      pos = pending_.size();
      break;
    }
    out.append(pending_, pos, open - pos);
    size_t close = pending_.find(']', open);
    if (close == std::string::npos) {
      if (pending_.size() - open > kMaxHeldBytes) {  // not a marker: let it through
        out += '[';
        pos = open + 1;
        continue;
      }
      pos = open;  // hold back until the marker is complete, with the space before it
      if (open > 0 && (pending_[open - 1] == ' ' || pending_[open - 1] == '\n') && !out.empty() &&
          out.back() == pending_[open - 1]) {
        out.pop_back();
        pos = open - 1;
      }
      break;
    }
    std::string resolved = Resolve(pending_.substr(open, close + 1 - open));
    // A citation takes the space before it along, as ExtractCitations does.
    if (resolved.empty() && !out.empty() && (out.back() == ' ' || out.back() == '\n')) {
      out.pop_back();
    }
    out += resolved;
    pos = close + 1;
  }
  pending_.erase(0, pos);
  // Trailing white space waits for what follows: it goes if a citation comes next.
  if (pending_.empty()) {
    size_t keep = out.size();
    if (keep > 0 && (out[keep - 1] == ' ' || out[keep - 1] == '\n')) --keep;
    pending_ = out.substr(keep);
    out.resize(keep);
  }
  return out;
}

std::string StreamingRestorer::Finish() {
  std::string rest = privacy::Restore(pending_, mapping_).text;
  pending_.clear();
  return rest;
}

Citations ExtractCitations(std::string_view text) {
  Citations c;
  re2::StringPiece input(text.data(), text.size());
  std::set<int> seen;
  size_t pos = 0;
  re2::StringPiece whole, ids;
  while (RE2::PartialMatch(input, CitationPattern(), &whole, &ids)) {
    size_t begin = static_cast<size_t>(whole.data() - text.data());
    c.text.append(text.substr(pos, begin - pos));
    pos = begin + whole.size();
    std::string digits;
    for (char ch : std::string(ids.data(), ids.size()) + ",") {
      if (ch >= '0' && ch <= '9') {
        digits += ch;
      } else if (!digits.empty() && (ch == ',' || ch == ';' || ch == 'S' || ch == 's')) {
        int id = std::stoi(digits);
        if (seen.insert(id).second) c.ids.push_back(id);
        digits.clear();
      }
    }
    input = re2::StringPiece(text.data() + pos, text.size() - pos);
  }
  c.text.append(text.substr(pos));
  return c;
}

GenerativeEngine::GenerativeEngine(LlmClient& client, const EmbeddedEngine& retrieval,
                                   const privacy::Pseudonymizer& pseudonymizer,
                                   const PromptSet& prompts, const TemplateLibrary& templates,
                                   const AgencyProfile& agency, const Clock& clock,
                                   GenerativeOptions options)
    : client_(client),
      retrieval_(retrieval),
      pseudonymizer_(pseudonymizer),
      prompts_(prompts),
      templates_(templates),
      agency_(agency),
      clock_(clock),
      options_(std::move(options)) {}

Result<ChatRequest> GenerativeEngine::BuildRequest(const Message& message,
                                                   const std::vector<RetrievedSource>& sources,
                                                   const StoredReplyTemplate* reply_template,
                                                   privacy::Mapping* mapping) const {
  std::string text;
  if (!message.subject.empty()) text = "Objet : " + message.subject + "\n\n";
  text += message.body;
  const size_t message_bytes = text.size();
  if (reply_template != nullptr && !sources.empty()) {
    PLUME_ASSIGN_OR_RETURN(
        std::string example,
        RenderStoredTemplate(*reply_template, FrameSlots(message, agency_), sources[0].doc));
    text += kTemplateSeparator;
    text += example;
  }
  privacy::PseudonymizeHints hints{message.sender_name, message.sender_email};
  PLUME_ASSIGN_OR_RETURN(privacy::Pseudonymized masked, pseudonymizer_.Pseudonymize(text, hints));
  std::string example;
  if (text.size() > message_bytes) {
    // Message and réponse type were masked in one pass; split them again.
    size_t at = masked.text.find(kTemplateSeparator);
    if (at == std::string::npos ||
        masked.text.find(kTemplateSeparator, at + 1) != std::string::npos) {
      return Internal("réponse type : séparateur perdu à la pseudonymisation");
    }
    example = std::string(
        util::Trim(std::string_view(masked.text).substr(at + kTemplateSeparator.size())));
    masked.text.resize(at);
  }
  std::vector<PromptSource> prompt_sources;
  for (size_t i = 0; i < sources.size() && i < static_cast<size_t>(options_.context_sources); ++i) {
    const KnowledgeDocument& doc = sources[i].doc;
    prompt_sources.push_back({"S" + std::to_string(i + 1), doc.title, doc.url,
                              FrenchDate(doc.source_date),
                              Excerpt(sources[i], options_.max_excerpt_chars)});
  }
  ChatRequest req;
  req.model = options_.model;
  req.temperature = options_.temperature;
  req.max_tokens = options_.max_tokens;
  req.messages.push_back({"system", prompts_.system()});
  PLUME_ASSIGN_OR_RETURN(std::string user,
                         prompts_.RenderUser(masked.text, prompt_sources, example));
  req.messages.push_back({"user", std::move(user)});
  *mapping = std::move(masked.mapping);
  return req;
}

Result<Draft> GenerativeEngine::Generate(
    const Message& message, const CancellationToken* cancel,
    const std::function<bool(std::string_view)>& on_text) const {
  const int64_t start_ms = clock_.NowMillis();
  PLUME_ASSIGN_OR_RETURN(std::vector<RetrievedSource> found, retrieval_.Sources(message));
  if (found.size() > static_cast<size_t>(options_.context_sources)) {
    found.resize(options_.context_sources);
  }
  // An approved réponse type citing the best fiche: the validated reply the model follows.
  PLUME_ASSIGN_OR_RETURN(std::optional<StoredReplyTemplate> reply_template,
                         retrieval_.StoredTemplateFor(message, found));
  privacy::Mapping mapping;
  PLUME_ASSIGN_OR_RETURN(
      ChatRequest request,
      BuildRequest(message, found, reply_template ? &*reply_template : nullptr, &mapping));

  // The frame around the model's body: greeting first (streamed at once), the rest after.
  ReplySlots slots = FrameSlots(message, agency_);
  slots.corps = kBodyMarker;
  PLUME_ASSIGN_OR_RETURN(std::string head_frame,
                         TemplateLibrary::Render(templates_.frame(), slots));
  std::string head = head_frame.substr(0, head_frame.find(kBodyMarker));

  bool stopped = false;
  StreamingRestorer restorer(mapping);
  auto emit = [&](std::string_view text) {
    if (!on_text || text.empty() || stopped) return !stopped;
    if (!on_text(text)) stopped = true;
    return !stopped;
  };
  emit(TidyReply(head) + "\n\n");
  Result<ChatResponse> response = client_.ChatStream(
      request, [&](std::string_view delta) { return emit(restorer.Feed(delta)); }, cancel);
  if (stopped) return Cancelled("brouillon annulé");
  PLUME_RETURN_IF_ERROR(response.status());
  emit(restorer.Finish());

  Draft draft;
  draft.engine = std::string(kGenerativeEngine);
  draft.engine_version = response->model.empty() ? options_.model : response->model;
  draft.prompt_version = prompts_.version();
  if (reply_template) {
    draft.engine_version += StoredTemplateTag(reply_template->id);
    draft.warnings.push_back(StoredTemplateWarning(*reply_template));
  }

  privacy::Restored restored = privacy::Restore(response->content, mapping);
  for (const auto& p : restored.unknown_placeholders) {
    draft.warnings.push_back("Marqueur inconnu laissé par le modèle : " + p);
  }
  Citations citations = ExtractCitations(restored.text);
  AllowedValues allowed = BaseAllowedValues(message, agency_);
  for (const auto& s : found) allowed.AddDocument(s.doc);  // the model saw every excerpt

  slots.corps = util::NormalizeSpace(citations.text).empty() ? std::string() : citations.text;
  std::set<std::string> cited_fiches;
  for (int id : citations.ids) {
    if (id < 1 || static_cast<size_t>(id) > found.size()) {
      draft.warnings.push_back("Le modèle cite une source inexistante : S" + std::to_string(id));
      continue;
    }
    const KnowledgeDocument& doc = found[id - 1].doc;
    if (!cited_fiches.insert(doc.id).second) continue;
    CiteDocument(doc, clock_.NowMillis(), agency_, &slots, &allowed, &draft);
    if (cited_fiches.size() == 1) AddDocumentLinks(doc, 3, &slots);
  }
  if (cited_fiches.empty()) {
    draft.warnings.push_back(found.empty() ? NoSourceWarning()
                                           : "Le modèle n'a cité aucune fiche : vérifiez chaque "
                                             "information avant l'envoi.");
  }
  if (response->finish_reason == "length") {
    draft.warnings.push_back("La réponse du modèle a été tronquée (longueur maximale atteinte).");
  }
  if (slots.corps.empty()) draft.warnings.push_back("Le modèle n'a rien rédigé.");
  PLUME_ASSIGN_OR_RETURN(std::string text, TemplateLibrary::Render(templates_.frame(), slots));
  GuardReport guard = CheckGrounding(TidyReply(text), allowed);
  draft.text = std::move(guard.text);
  for (auto& w : guard.warnings) draft.warnings.push_back(std::move(w));
  // The streamed tail: everything after the body, as in the final text.
  if (on_text) {
    ReplySlots tail_slots = slots;
    tail_slots.corps = kBodyMarker;
    PLUME_ASSIGN_OR_RETURN(std::string tail_frame,
                           TemplateLibrary::Render(templates_.frame(), tail_slots));
    tail_frame.erase(0, tail_frame.find(kBodyMarker) + sizeof(kBodyMarker) - 1);
    emit("\n\n" + TidyReply(tail_frame));
  }
  draft.latency_ms = clock_.NowMillis() - start_ms;
  return draft;
}

}  // namespace plume::draft
