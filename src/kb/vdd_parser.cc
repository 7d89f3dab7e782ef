#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "kb/parsers.h"
#include "util/text.h"

namespace plume::kb {
namespace {

using json = nlohmann::json;

const json& EmptyArray() {
  static const json kEmpty = json::array();
  return kEmpty;
}

const json& Children(const json& node) {
  auto it = node.find("children");
  if (it == node.end() || !it->is_array()) return EmptyArray();
  return *it;
}

std::string_view NameOf(const json& node) {
  auto it = node.find("name");
  if (it == node.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

std::string Attr(const json& node, const char* key) {
  auto attrs = node.find("attributes");
  if (attrs == node.end() || !attrs->is_object()) return {};
  auto it = attrs->find(key);
  if (it == attrs->end() || !it->is_string()) return {};
  return it->get<std::string>();
}

const json* FirstChild(const json& node, std::string_view name) {
  for (const auto& c : Children(node)) {
    if (NameOf(c) == name) return &c;
  }
  return nullptr;
}

void AppendInline(const json& node, std::string* out) {
  auto type = node.find("type");
  if (type != node.end() && *type == "text") {
    auto t = node.find("text");
    if (t != node.end() && t->is_string()) *out += t->get_ref<const std::string&>();
    return;
  }
  if (NameOf(node) == "Condition") return;
  for (const auto& c : Children(node)) AppendInline(c, out);
}

// Concatenated text of all descendants, white space normalised.
std::string InlineText(const json& node) {
  std::string raw;
  AppendInline(node, &raw);
  return util::NormalizeSpace(raw);
}

std::string TitleOf(const json& node) {
  const json* t = FirstChild(node, "Titre");
  return t ? InlineText(*t) : std::string();
}

class FicheReader {
 public:
  // `url_base` is the fiche URL prefix ending in "/vosdroits/".
  explicit FicheReader(std::string url_base) : url_base_(std::move(url_base)) {}

  // Collects every link of the fiche, wherever it sits (top level, inside situations or text):
  // online services, where to go, web links, references, related fiches and inline links.
  void CollectLinks(const json& node, std::vector<DocumentLink>* links) {
    std::string_view name = NameOf(node);
    if (name == "LienExterne") {
      std::string url = Attr(node, "URL");
      if (!url.empty()) links->push_back({"lien_externe", InlineText(node), url, "", ""});
      return;
    }
    if (name == "LienInterne") {
      std::string id = Attr(node, "LienPublication");
      if (!id.empty()) links->push_back({"fiche_liee", InlineText(node), FicheUrl(id), id, ""});
      return;
    }
    if (ReadLinkElement(node, links)) return;
    for (const auto& c : Children(node)) CollectLinks(c, links);
  }

  std::string FicheUrl(const std::string& id) const { return url_base_ + id; }

  // Renders a block element (paragraph, list, table, call-out, cases) as plain text lines.
  void RenderBlock(const json& node, std::string* out) {
    std::string_view name = NameOf(node);
    if (name.empty()) {
      std::string t = InlineText(node);
      if (!t.empty()) *out += t + "\n";
      return;
    }
    if (name == "Condition" || name == "Titre") return;
    if (name == "Paragraphe") {
      std::string t = InlineText(node);
      if (!t.empty()) *out += t + "\n";
    } else if (name == "Liste") {
      for (const auto& item : Children(node)) {
        std::string inner;
        for (const auto& c : Children(item)) RenderBlock(c, &inner);
        std::string line = util::NormalizeSpace(inner);
        if (!line.empty()) *out += "- " + line + "\n";
      }
    } else if (name == "Tableau") {
      for (const auto& row : Children(node)) {
        if (NameOf(row) == "Titre") {
          *out += InlineText(row) + "\n";
          continue;
        }
        std::vector<std::string> cells;
        for (const auto& cell : Children(row)) cells.push_back(InlineText(cell));
        *out += util::Join(cells, " | ") + "\n";
      }
    } else if (name == "ASavoir" || name == "ANoter" || name == "Attention" || name == "Rappel") {
      std::string label = TitleOf(node);
      std::string inner;
      for (const auto& c : Children(node)) RenderBlock(c, &inner);
      *out += (label.empty() ? std::string() : label + " : ") + util::NormalizeSpace(inner) + "\n";
    } else if (name == "BlocCas") {
      for (const auto& cas : Children(node)) {
        *out += TitleOf(cas) + " :\n";
        for (const auto& c : Children(cas)) RenderBlock(c, out);
      }
    } else {
      for (const auto& c : Children(node)) RenderBlock(c, out);
    }
  }

  void Flush(const std::vector<std::string>& path, std::string* buf,
             std::vector<DocumentSection>* out) {
    std::string text(util::Trim(*buf));
    buf->clear();
    if (text.empty()) return;
    out->push_back({path, std::move(text)});
  }

  // Splits a Texte tree into sections at Chapitre / SousChapitre / Situation boundaries.
  void Walk(const json& node, std::vector<std::string>* path, std::string* buf,
            std::vector<DocumentSection>* out) {
    for (const auto& child : Children(node)) {
      std::string_view name = NameOf(child);
      if (name == "Chapitre" || name == "SousChapitre" || name == "Situation") {
        Flush(*path, buf, out);
        path->push_back(TitleOf(child));
        std::string inner;
        Walk(child, path, &inner, out);
        Flush(*path, &inner, out);
        path->pop_back();
      } else if (name == "Texte" || name == "ListeSituations" || name == "FragmentConditionne") {
        Walk(child, path, buf, out);
      } else if (name == "Titre" || name == "Condition") {
        continue;
      } else {
        RenderBlock(child, buf);
      }
    }
  }

  // Returns true when `node` is a link element (and records it).
  bool ReadLinkElement(const json& node, std::vector<DocumentLink>* links) {
    std::string_view name = NameOf(node);
    if (name == "ServiceEnLigne" || name == "ServiceEnLigneAlternatif" ||
        name == "ServiceEnLigneAnnexe") {
      const json* src = FirstChild(node, "Source");
      links->push_back({"service_en_ligne", TitleOf(node), Attr(node, "URL"), Attr(node, "ID"),
                        src ? InlineText(*src) : Attr(node, "type")});
    } else if (name == "OuSAdresser") {
      const json* web = FirstChild(node, "RessourceWeb");
      const json* src = FirstChild(node, "Source");
      links->push_back({"ou_s_adresser", TitleOf(node), web ? Attr(*web, "URL") : std::string(),
                        Attr(node, "ID"), src ? InlineText(*src) : std::string()});
    } else if (name == "LienWeb" || name == "PourEnSavoirPlus") {
      const json* src = FirstChild(node, "Source");
      links->push_back({name == "LienWeb" ? "lien_web" : "pour_en_savoir_plus", TitleOf(node),
                        Attr(node, "URL"), Attr(node, "ID"),
                        src ? InlineText(*src) : std::string()});
    } else if (name == "Reference") {
      const json* comp = FirstChild(node, "Complement");
      links->push_back({"reference", TitleOf(node), Attr(node, "URL"), Attr(node, "ID"),
                        comp ? InlineText(*comp) : std::string()});
    } else if (name == "QuestionReponse") {
      std::string id = Attr(node, "ID");
      links->push_back({"question_reponse", InlineText(node), FicheUrl(id), id, ""});
    } else if (name == "VoirAussi") {
      for (const auto& f : Children(node)) {
        std::string id = Attr(f, "ID");
        if (!id.empty()) links->push_back({"fiche_liee", TitleOf(f), FicheUrl(id), id, ""});
      }
    } else {
      return false;
    }
    return true;
  }

 private:
  std::string url_base_;
};

}  // namespace

Result<KnowledgeDocument> ParseVddFiche(std::string_view json_text, std::string_view audience_dir) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return InvalidArgument(std::string("malformed JSON: ") + e.what());
  }
  if (!root.is_object()) return InvalidArgument("expected a JSON object (xml-js document)");
  // F and N fiches are <Publication>s; R resources (forms, online services) are
  // <ServiceComplementaire>s with the same Dublin Core header.
  const json* pub = FirstChild(root, "Publication");
  if (!pub) pub = FirstChild(root, "ServiceComplementaire");
  if (!pub) return InvalidArgument("no <Publication> or <ServiceComplementaire> element");

  KnowledgeDocument doc;
  doc.source = "vdd";
  doc.audience = std::string(audience_dir);
  doc.fiche_id = Attr(*pub, "ID");
  if (doc.fiche_id.empty()) return InvalidArgument("<Publication> has no ID attribute");
  doc.id = doc.audience + "/" + doc.fiche_id;
  doc.kind = doc.fiche_id.substr(0, 1);
  doc.type = Attr(*pub, "type");
  doc.url = Attr(*pub, "spUrl");

  std::string url_base;
  if (size_t pos = doc.url.rfind("/vosdroits/"); pos != std::string::npos) {
    url_base = doc.url.substr(0, pos + 11);
  } else {
    url_base = "https://www.service-public.fr/" + doc.audience + "/vosdroits/";
    doc.url = url_base + doc.fiche_id;
  }
  FicheReader reader(url_base);
  std::vector<std::string> path;
  std::string buf;
  for (const auto& child : Children(*pub)) {
    std::string_view name = NameOf(child);
    if (name == "dc:title") {
      doc.title = InlineText(child);
    } else if (name == "dc:description") {
      doc.description = InlineText(child);
    } else if (name == "dc:subject") {
      doc.subject = InlineText(child);
    } else if (name == "dc:date") {
      std::string d = InlineText(child);
      size_t pos = d.find_last_of(' ');
      doc.source_date = pos == std::string::npos ? d : d.substr(pos + 1);
    } else if (name == "FilDAriane") {
      for (const auto& n : Children(child)) {
        doc.breadcrumb.push_back({Attr(n, "ID"), InlineText(n)});
      }
    } else if (name == "Introduction") {
      std::string intro;
      reader.RenderBlock(child, &intro);
      doc.introduction = std::string(util::Trim(intro));
    } else if (name == "Texte" || name == "ListeSituations") {
      reader.Walk(child, &path, &buf, &doc.sections);
      reader.Flush(path, &buf, &doc.sections);
    }
  }
  reader.CollectLinks(*pub, &doc.links);
  if (doc.title.empty()) return InvalidArgument("fiche " + doc.fiche_id + " has no dc:title");
  return doc;
}

}  // namespace plume::kb
