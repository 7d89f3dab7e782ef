#include "draft/reply_frame.h"

#include <set>

#include "draft/addressee.h"
#include "draft/sources.h"
#include "util/text.h"

namespace plume::draft {
namespace {

std::vector<LinkSlot> LinksOfKind(const KnowledgeDocument& doc, std::string_view kind,
                                  bool need_url, size_t max) {
  std::vector<LinkSlot> out;
  std::set<std::string> seen;
  for (const auto& l : doc.links) {
    if (l.kind != kind || (need_url && l.url.empty())) continue;
    if (!seen.insert(l.url.empty() ? l.title : l.url).second) continue;
    std::string_view title = util::Trim(l.title);
    while (!title.empty() && (title.back() == ':' || title.back() == ' ')) title.remove_suffix(1);
    out.push_back({std::string(title), l.url, l.note});
    if (out.size() == max) break;
  }
  return out;
}

}  // namespace

ReplySlots FrameSlots(const Message& message, const AgencyProfile& agency) {
  Addressee to = DetectAddressee(message.sender_name, message.body);
  ReplySlots slots;
  slots.appel = to.Appellation();
  slots.civilite = to.ClosingCivility();
  slots.nom = to.surname;
  slots.objet = util::NormalizeSpace(message.subject);
  slots.signature = agency.signature;
  slots.service = agency.name;
  return slots;
}

AllowedValues BaseAllowedValues(const Message& message, const AgencyProfile& agency) {
  AllowedValues allowed;
  allowed.AddText(message.subject);
  allowed.AddText(message.body);
  allowed.AddText(message.sender_email);
  for (const auto& u : agency.urls) allowed.AddUrl(u);
  for (const auto& p : agency.phones) allowed.AddPhone(p);
  for (const auto& e : agency.emails) allowed.AddEmail(e);
  allowed.AddText(agency.signature);
  return allowed;
}

void CiteDocument(const KnowledgeDocument& doc, int64_t now_ms, const AgencyProfile& agency,
                  ReplySlots* slots, AllowedValues* allowed, Draft* draft) {
  slots->sources.push_back({doc.title, doc.url, FrenchDate(doc.source_date)});
  draft->sources.push_back(ToDraftSource(doc));
  allowed->AddDocument(doc);
  int months = MonthsSince(doc.source_date, now_ms);
  if (months > agency.stale_after_months) draft->warnings.push_back(StaleWarning(doc, months));
}

void AddDocumentLinks(const KnowledgeDocument& doc, size_t max, ReplySlots* slots) {
  slots->services_en_ligne = LinksOfKind(doc, "service_en_ligne", true, max);
  slots->ou_s_adresser = LinksOfKind(doc, "ou_s_adresser", false, max);
}

std::string StaleWarning(const KnowledgeDocument& doc, int months) {
  return "La fiche « " + doc.title + " » a été mise à jour le " + FrenchDate(doc.source_date) +
         " (il y a " + std::to_string(months) +
         " mois) : vérifiez que l'information est toujours exacte.";
}

std::string LowConfidenceWarning(const KnowledgeDocument& doc) {
  return "Confiance faible : la fiche « " + doc.title +
         " » ne reprend qu'une partie des termes du message ; vérifiez qu'elle répond à la "
         "demande.";
}

std::string ShortMessageWarning() {
  return "Message très court : des précisions de l'usager peuvent être nécessaires.";
}

std::string NoSourceWarning() {
  return "Aucune fiche pertinente trouvée : le brouillon demande des précisions à l'usager.";
}

std::string TidyReply(std::string_view text) {
  // Trailing spaces removed, at most one blank line in a row, no blank lines at either end.
  std::string out;
  size_t blank = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      ++blank;
    } else {
      if (!out.empty()) out += blank > 0 ? "\n\n" : "\n";
      out.append(line);
      blank = 0;
    }
    start = end + 1;
  }
  return out;
}

}  // namespace plume::draft
