#include <nlohmann/json.hpp>

#include "kb/parsers.h"
#include "util/text.h"

namespace plume::kb {
namespace {

using json = nlohmann::json;

std::string StringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// "13/11/2025" -> "2025-11-13"; anything else is returned unchanged.
std::string IsoDate(const std::string& d) {
  if (d.size() == 10 && d[2] == '/' && d[5] == '/') {
    return d.substr(6, 4) + "-" + d.substr(3, 2) + "-" + d.substr(0, 2);
  }
  return d;
}

}  // namespace

Result<std::vector<KnowledgeDocument>> ParseTravailFiches(std::string_view json_text,
                                                          std::vector<std::string>* skipped) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return InvalidArgument(std::string("malformed JSON: ") + e.what());
  }
  if (!root.is_array()) return InvalidArgument("expected a JSON array of fiches");
  std::vector<KnowledgeDocument> docs;
  size_t index = 0;
  for (const auto& f : root) {
    ++index;
    if (!f.is_object()) {
      if (skipped) skipped->push_back("entry " + std::to_string(index) + ": not an object");
      continue;
    }
    KnowledgeDocument d;
    d.source = "travail";
    d.kind = "fiche";
    d.type = "Fiche pratique du ministère du Travail";
    d.audience = "travail";
    d.fiche_id = StringField(f, "pubId");
    d.title = util::NormalizeSpace(StringField(f, "title"));
    d.url = StringField(f, "url");
    if (d.fiche_id.empty() || d.title.empty() || d.url.empty()) {
      if (skipped) {
        skipped->push_back("entry " + std::to_string(index) + ": missing pubId, title or url");
      }
      continue;
    }
    d.id = "travail/" + d.fiche_id;
    d.description = util::NormalizeSpace(StringField(f, "description"));
    d.source_date = IsoDate(StringField(f, "date"));
    std::vector<std::string> hrefs;
    d.introduction = HtmlToText(StringField(f, "intro"), &hrefs);
    auto sections = f.find("sections");
    if (sections != f.end() && sections->is_array()) {
      for (const auto& s : *sections) {
        if (!s.is_object()) continue;
        std::string html = StringField(s, "html");
        std::string text = html.empty() ? StringField(s, "text") : HtmlToText(html, &hrefs);
        if (text.empty()) continue;
        std::string title = util::NormalizeSpace(StringField(s, "title"));
        d.sections.push_back({title.empty() || title == d.title ? std::vector<std::string>{}
                                                                 : std::vector<std::string>{title},
                              std::move(text)});
      }
    }
    for (auto& h : hrefs) d.links.push_back({"lien_externe", "", std::move(h), "", ""});
    docs.push_back(std::move(d));
  }
  return docs;
}

}  // namespace plume::kb
