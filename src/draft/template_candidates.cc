#include "draft/template_candidates.h"

#include <algorithm>
#include <kainjow/mustache.hpp>
#include <set>

#include "draft/grounding_guard.h"
#include "draft/reply_frame.h"
#include "util/text.h"

namespace plume::draft {
namespace {

// Lower-case, accent-free, typographic apostrophes made plain: for comparing frame phrases.
std::string Key(std::string_view line) {
  std::string folded = util::FoldAccents(util::ToLowerFrench(util::Trim(line)));
  std::string out;
  for (size_t i = 0; i < folded.size(); ++i) {
    if (folded.compare(i, 3, "\u2019") == 0) {
      out += '\'';
      i += 2;
    } else {
      out += folded[i];
    }
  }
  return out;
}

bool StartsWithAny(std::string_view key, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (key.substr(0, p.size()) == p) return true;
  }
  return false;
}

bool IsGreeting(std::string_view line) {
  std::string key = Key(line);
  return key.size() <= 80 && !key.empty() && key.back() == ',' &&
         StartsWithAny(key, {"bonjour", "bonsoir", "madame", "monsieur", "mesdames", "messieurs",
                             "cher ", "chere "});
}

// The closing formula: it and everything after it (signature) are the frame's.
bool IsClosing(std::string_view key) {
  return StartsWithAny(
      key, {"nous restons a votre disposition", "je reste a votre disposition",
            "je vous prie d'agreer", "nous vous prions d'agreer", "veuillez agreer",
            "je vous prie de croire", "cordialement", "bien cordialement", "bien a vous",
            "salutations", "pour en savoir plus, vous pouvez consulter"});
}

// Headings of the link lists the frame adds from the best fiche.
bool IsFrameListHeading(std::string_view key) {
  return StartsWithAny(key, {"vous pouvez effectuer cette demarche en ligne",
                             "pour vous adresser au bon interlocuteur"});
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Mustache tags typed in the reply stay literal text.
std::string EscapeTags(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if ((text[i] == '{' || text[i] == '}') && i + 1 < text.size() && text[i + 1] == text[i]) {
      out += ' ';
    }
  }
  return out;
}

constexpr std::string_view kCivilities[] = {
    "Madame ", "Monsieur ", "Mademoiselle ", "Mme. ", "Mme ", "Mlle ", "M. "};

// Length of a civility (with its space) ending `text`, 0 when none.
size_t CivilitySuffix(std::string_view text) {
  for (std::string_view c : kCivilities) {
    if (text.size() >= c.size() && text.substr(text.size() - c.size()) == c) {
      size_t before = text.size() - c.size();
      // A whole word: start of text or after a non-letter.
      if (before == 0 || !std::isalpha(static_cast<unsigned char>(text[before - 1]))) {
        return c.size();
      }
    }
  }
  return 0;
}

// Length of a civility (with its space) starting `text`, 0 when none.
size_t CivilityPrefix(std::string_view text) {
  for (std::string_view c : kCivilities) {
    if (text.substr(0, c.size()) == c) return c.size();
  }
  return 0;
}

// Plain text between personal values: tags escaped; a civility standing alone before a comma
// ("Madame, Monsieur," or "Madame,") becomes {{civilite}}.
std::string PlainSegment(std::string_view text) {
  std::string escaped = EscapeTags(text);
  std::string out;
  size_t i = 0;
  while (i < escaped.size()) {
    bool word_start = i == 0 || !std::isalpha(static_cast<unsigned char>(escaped[i - 1]));
    bool replaced = false;
    if (word_start) {
      for (std::string_view c : {std::string_view("Madame, Monsieur,"), std::string_view("Madame,"),
                                 std::string_view("Monsieur,")}) {
        if (std::string_view(escaped).substr(i, c.size()) == c) {
          out += "{{civilite}},";
          i += c.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += escaped[i++];
  }
  return out;
}

std::string Placeholder(privacy::PiiType type) {
  using privacy::PiiType;
  switch (type) {
    case PiiType::kName:
      return "{{nom}}";
    case PiiType::kEmail:
      return "[adresse électronique]";
    case PiiType::kPhone:
      return "[téléphone]";
    case PiiType::kNir:
      return "[numéro de sécurité sociale]";
    case PiiType::kIban:
      return "[IBAN]";
    case PiiType::kAddress:
      return "[adresse]";
    case PiiType::kBirthDate:
      return "[date de naissance]";
    case PiiType::kTaxNumber:
      return "[numéro fiscal]";
    case PiiType::kCafNumber:
      return "[numéro d'allocataire]";
    case PiiType::kSiret:
      return "[SIRET]";
    case PiiType::kSiren:
      return "[SIREN]";
    case PiiType::kPlate:
      return "[immatriculation]";
    case PiiType::kOtherNumber:
      return "[numéro]";
    case PiiType::kLiteral:
      return "[texte]";
  }
  return "[donnée personnelle]";
}

std::set<std::string> NameWords(std::string_view name) {
  std::set<std::string> out;
  std::string word;
  for (char ch : Key(name) + " ") {
    if (ch == ' ' || ch == '-' || ch == '.' || ch == ',' || ch == '\'') {
      if (word.size() >= 2) out.insert(word);
      word.clear();
    } else {
      word += ch;
    }
  }
  return out;
}

std::string PublicText(const std::vector<KnowledgeDocument>& docs) {
  std::string out;
  for (const auto& d : docs) {
    out += d.title + "\n" + d.description + "\n" + d.introduction + "\n";
    for (const auto& s : d.sections) out += s.text + "\n";
    for (const auto& l : d.links) out += l.title + "\n" + l.note + "\n";
  }
  return out;
}

// What may stay in a template: values of the cited fiches, never the sender's name.
class PublicValues {
 public:
  explicit PublicValues(const CandidateInput& input)
      : text_(PublicText(input.sources)), sender_words_(NameWords(input.sender_name)) {
    for (const auto& doc : input.sources) values_.AddDocument(doc);
  }

  bool Keeps(privacy::PiiType type, std::string_view value) const {
    switch (type) {
      case privacy::PiiType::kName: {
        for (const auto& w : NameWords(value)) {
          if (sender_words_.count(w) > 0) return false;
        }
        return text_.find(value) != std::string::npos;
      }
      case privacy::PiiType::kEmail:
        return values_.HasEmail(value);
      case privacy::PiiType::kPhone:
        return values_.HasPhone(value);
      case privacy::PiiType::kAddress:
        return text_.find(value) != std::string::npos;
      case privacy::PiiType::kLiteral:
        return true;  // "[NOM_1]"-like text written by the agent: not personal data
      default:
        return false;
    }
  }

 private:
  AllowedValues values_;
  std::string text_;
  std::set<std::string> sender_words_;
};

// `body` with every mustache tag ({{nom}}, {{{x}}}, {{#extraits}}...) blanked with spaces, so
// offsets stay and slot names are never read as text.
std::string BlankMustacheTags(std::string_view body) {
  std::string out(body);
  size_t pos = 0;
  while ((pos = out.find("{{", pos)) != std::string::npos) {
    size_t close = out.find("}}", pos + 2);
    if (close == std::string::npos) break;
    size_t end = close + 2;
    if (out.compare(pos, 3, "{{{") == 0 && end < out.size() && out[end] == '}') ++end;
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(pos),
              out.begin() + static_cast<std::ptrdiff_t>(end), ' ');
    pos = end;
  }
  return out;
}

}  // namespace

std::string_view FrenchPiiKind(privacy::PiiType type) {
  using privacy::PiiType;
  switch (type) {
    case PiiType::kName:
      return "nom de personne";
    case PiiType::kEmail:
      return "adresse e-mail";
    case PiiType::kPhone:
      return "téléphone";
    case PiiType::kNir:
      return "numéro de sécurité sociale";
    case PiiType::kIban:
      return "IBAN";
    case PiiType::kAddress:
      return "adresse postale";
    case PiiType::kBirthDate:
      return "date de naissance";
    case PiiType::kTaxNumber:
      return "numéro fiscal";
    case PiiType::kCafNumber:
      return "numéro d'allocataire";
    case PiiType::kSiret:
      return "SIRET";
    case PiiType::kSiren:
      return "SIREN";
    case PiiType::kPlate:
      return "immatriculation";
    case PiiType::kOtherNumber:
      return "numéro d'identification";
    case PiiType::kLiteral:
      return "texte";
  }
  return "donnée personnelle";
}

std::string PersonalDataRefusal(const std::vector<PersonalDataFound>& found) {
  std::vector<std::string_view> kinds;
  for (const auto& f : found) {
    std::string_view kind = FrenchPiiKind(f.type);
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  }
  std::string out = "La réponse type contient des données personnelles : ";
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (i > 0) out += ", ";
    out += kinds[i];
  }
  out +=
      ". Remplacez-les par des champs ({{civilite}}, {{nom}}) ou par des éléments entre "
      "crochets à compléter, par exemple [téléphone].";
  return out;
}

Status ValidateTemplateBody(std::string_view body) {
  if (util::Trim(body).empty()) return InvalidArgument("le texte de la réponse type est vide");
  if (body.size() > kMaxTemplateBodyBytes) {
    return InvalidArgument("réponse type trop longue (limite " +
                           std::to_string(kMaxTemplateBodyBytes / 1024) + " Ko)");
  }
  if (!util::IsValidUtf8(body)) {
    return InvalidArgument("le texte de la réponse type n'est pas en UTF-8 valide");
  }
  kainjow::mustache::mustache tmpl{std::string(body)};
  if (!tmpl.is_valid()) {
    return InvalidArgument("syntaxe de gabarit invalide : " + tmpl.error_message());
  }
  return Status::Ok();
}

std::string StripReplyFrame(std::string_view reply) {
  std::vector<std::string_view> lines = Lines(reply);
  size_t i = 0;
  while (i < lines.size() && util::Trim(lines[i]).empty()) ++i;
  if (i < lines.size() && IsGreeting(lines[i])) ++i;
  std::string out;
  bool in_frame_list = false;
  for (; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    std::string key = Key(line);
    if (IsClosing(key)) break;
    if (IsFrameListHeading(key)) {
      in_frame_list = true;
      continue;
    }
    if (in_frame_list) {
      if (key.rfind("- ", 0) == 0) continue;
      in_frame_list = false;
    }
    if (key.rfind("vous nous avez ecrit au sujet de", 0) == 0 ||
        key.rfind("nous vous remercions de votre message", 0) == 0) {
      // The frame's opening sentence (with the citizen's own subject): dropped, and whatever
      // the agent wrote after it on the same line kept.
      constexpr std::string_view kThanks = "Nous vous remercions de votre message.";
      size_t thanks = line.find(kThanks);
      if (thanks == std::string_view::npos) continue;
      line = util::Trim(line.substr(thanks + kThanks.size()));
      if (line.empty()) continue;
    }
    out.append(line);
    out += '\n';
  }
  return TidyReply(out);
}

TemplateCandidateMaker::TemplateCandidateMaker(privacy::Pseudonymizer pseudonymizer)
    : pseudonymizer_(std::move(pseudonymizer)) {}

Result<std::unique_ptr<TemplateCandidateMaker>> TemplateCandidateMaker::Create(
    const std::filesystem::path& privacy_dir) {
  privacy::PseudonymizerConfig config;
  config.resource_dir = privacy_dir;
  PLUME_ASSIGN_OR_RETURN(privacy::Pseudonymizer p, privacy::Pseudonymizer::Create(config));
  return std::unique_ptr<TemplateCandidateMaker>(new TemplateCandidateMaker(std::move(p)));
}

Result<Candidate> TemplateCandidateMaker::Make(const CandidateInput& input) const {
  for (const std::string* field : {&input.reply_text, &input.sender_name, &input.sender_email}) {
    if (!util::IsValidUtf8(*field)) return InvalidArgument("texte invalide (UTF-8 attendu)");
  }
  std::string body = StripReplyFrame(input.reply_text);
  if (util::Trim(body).empty()) {
    return InvalidArgument(
        "cette réponse ne contient que la salutation et la formule de politesse : rien à "
        "réutiliser");
  }
  privacy::PseudonymizeHints hints;
  hints.sender_name = input.sender_name;
  hints.sender_email = input.sender_email;
  PLUME_ASSIGN_OR_RETURN(std::vector<privacy::PiiSpan> spans, pseudonymizer_.Detect(body, hints));

  const PublicValues publics(input);

  Candidate out;
  std::string text;
  size_t pos = 0;
  for (const privacy::PiiSpan& span : spans) {
    text += PlainSegment(std::string_view(body).substr(pos, span.begin - pos));
    std::string_view value = std::string_view(body).substr(span.begin, span.end - span.begin);
    pos = span.end;
    if (publics.Keeps(span.type, value)) {
      text += EscapeTags(value);
      continue;
    }
    out.removed.emplace_back(privacy::PiiTypeName(span.type));
    if (span.type == privacy::PiiType::kName) {
      // "Madame Martin" -> "{{civilite}} {{nom}}", whether the civility is in the span or not.
      size_t before = CivilitySuffix(text);
      if (before > 0) {
        text.resize(text.size() - before);
        text += "{{civilite}} ";
      } else if (CivilityPrefix(value) > 0) {
        text += "{{civilite}} ";
      }
      // Adjacent name spans ("Claire" "Martin") make one {{nom}}.
      if (text.size() >= 8 && text.compare(text.size() - 8, 8, "{{nom}} ") == 0) continue;
    }
    text += Placeholder(span.type);
  }
  text += PlainSegment(std::string_view(body).substr(pos));
  out.body = TidyReply(text);
  if (out.body.size() > kMaxTemplateBodyBytes) {
    return InvalidArgument("réponse trop longue pour en faire une réponse type (limite " +
                           std::to_string(kMaxTemplateBodyBytes / 1024) + " Ko)");
  }
  PLUME_RETURN_IF_ERROR(ValidateTemplateBody(out.body));
  return out;
}

Result<std::vector<PersonalDataFound>> TemplateCandidateMaker::FindPersonalData(
    std::string_view body, const CandidateInput& context) const {
  for (std::string_view field :
       {body, std::string_view(context.sender_name), std::string_view(context.sender_email)}) {
    if (!util::IsValidUtf8(field)) return InvalidArgument("texte invalide (UTF-8 attendu)");
  }
  const std::string text = BlankMustacheTags(body);
  privacy::PseudonymizeHints hints;
  hints.sender_name = context.sender_name;
  hints.sender_email = context.sender_email;
  PLUME_ASSIGN_OR_RETURN(std::vector<privacy::PiiSpan> spans, pseudonymizer_.Detect(text, hints));
  const PublicValues publics(context);
  std::vector<PersonalDataFound> out;
  for (const privacy::PiiSpan& span : spans) {
    std::string_view value = std::string_view(text).substr(span.begin, span.end - span.begin);
    if (util::Trim(value).empty() || publics.Keeps(span.type, value)) continue;
    // A name written all in lower case is an ordinary word here ("une réponse claire" when the
    // sender is Claire Martin): people write the names they mean capitalised.
    if (span.type == privacy::PiiType::kName && util::ToLowerFrench(value) == value) continue;
    out.push_back({span.type, std::string(util::Trim(value))});
  }
  return out;
}

}  // namespace plume::draft
