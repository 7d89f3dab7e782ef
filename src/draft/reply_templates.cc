#include "draft/reply_templates.h"

#include <kainjow/mustache.hpp>
#include <set>

#include "draft/toml_file.h"
#include "util/files.h"
#include "util/text.h"

namespace plume::draft {
namespace {

namespace mst = kainjow::mustache;

// An empty text is false, so "{{#appel}} {{appel}}{{/appel}}" prints nothing without a name
// (kainjow, like the mustache spec, treats every string as true).
mst::data Text(const std::string& s) {
  return s.empty() ? mst::data(mst::data::type::bool_false) : mst::data(s);
}

mst::data Links(const std::vector<LinkSlot>& links) {
  mst::data list{mst::data::type::list};
  for (const auto& l : links) {
    mst::data item;
    item.set("titre", Text(l.titre));
    item.set("url", Text(l.url));
    item.set("note", Text(l.note));
    list.push_back(item);
  }
  return list;
}

mst::data ToData(const ReplySlots& s) {
  mst::data d;
  d.set("appel", Text(s.appel));
  d.set("civilite", Text(s.civilite));
  d.set("nom", Text(s.nom));
  d.set("objet", Text(s.objet));
  d.set("titre_fiche", Text(s.titre_fiche));
  d.set("url_fiche", Text(s.url_fiche));
  d.set("date_fiche", Text(s.date_fiche));
  d.set("corps", Text(s.corps));
  d.set("signature", Text(s.signature));
  d.set("service", Text(s.service));
  d.set("services_en_ligne", Links(s.services_en_ligne));
  d.set("ou_s_adresser", Links(s.ou_s_adresser));
  d.set("sources", Links(s.sources));
  mst::data extraits{mst::data::type::list};
  for (const auto& e : s.extraits) {
    mst::data item;
    item.set("titre", Text(e.titre));
    item.set("texte", Text(e.texte));
    extraits.push_back(item);
  }
  d.set("extraits", extraits);
  // Booleans so templates can show a heading only when a list is not empty.
  d.set("a_services_en_ligne",
        s.services_en_ligne.empty() ? mst::data::type::bool_false : mst::data::type::bool_true);
  d.set("a_ou_s_adresser",
        s.ou_s_adresser.empty() ? mst::data::type::bool_false : mst::data::type::bool_true);
  d.set("a_extraits",
        s.extraits.empty() ? mst::data::type::bool_false : mst::data::type::bool_true);
  return d;
}

Status CheckSyntax(const std::string& id, const std::string& body) {
  mst::mustache tmpl{body};
  if (!tmpl.is_valid()) {
    return InvalidArgument("gabarit « " + id + " » invalide : " + tmpl.error_message());
  }
  return Status::Ok();
}

}  // namespace

std::string SectionKey(std::string_view title) {
  return util::NormalizeSpace(util::FoldAccents(util::ToLowerFrench(title)));
}

Result<TemplateLibrary> TemplateLibrary::Load(const std::filesystem::path& dir) {
  std::filesystem::path manifest_path = dir / "manifest.toml";
  PLUME_ASSIGN_OR_RETURN(toml::table manifest, ParseTomlFile(manifest_path));
  TemplateLibrary lib;
  lib.version_ = manifest["version"].value_or(std::string());
  if (lib.version_.empty()) {
    return InvalidArgument(manifest_path.string() + " : « version » manquante");
  }
  const toml::array* entries = manifest["template"].as_array();
  if (!entries) return InvalidArgument(manifest_path.string() + " : aucun [[template]]");
  std::set<std::string> ids;
  int frames = 0;
  for (const toml::node& node : *entries) {
    const toml::table* t = node.as_table();
    if (!t) return InvalidArgument(manifest_path.string() + " : [[template]] invalide");
    ReplyTemplate tmpl;
    tmpl.id = (*t)["id"].value_or(std::string());
    std::string kind = (*t)["kind"].value_or(std::string("reponse_type"));
    tmpl.title = (*t)["title"].value_or(std::string());
    std::string file = (*t)["file"].value_or(std::string());
    if (tmpl.id.empty() || file.empty()) {
      return InvalidArgument(manifest_path.string() + " : « id » et « file » sont requis");
    }
    if (!ids.insert(tmpl.id).second) {
      return InvalidArgument(manifest_path.string() + " : id en double « " + tmpl.id + " »");
    }
    if (kind == "cadre") {
      tmpl.kind = TemplateKind::kFrame;
      ++frames;
      lib.frame_index_ = lib.templates_.size();
    } else if (kind == "precisions") {
      tmpl.kind = TemplateKind::kClarification;
      lib.clarification_index_ = static_cast<int>(lib.templates_.size());
    } else if (kind == "reponse_type") {
      tmpl.kind = TemplateKind::kReply;
    } else {
      return InvalidArgument(manifest_path.string() + " : type inconnu « " + kind + " » pour « " +
                             tmpl.id + " »");
    }
    if (const toml::array* a = (*t)["fiches"].as_array()) {
      for (const auto& v : *a) tmpl.fiches.push_back(v.value_or(std::string()));
    }
    if (const toml::array* a = (*t)["sections"].as_array()) {
      for (const auto& v : *a) tmpl.sections.push_back(v.value_or(std::string()));
    }
    PLUME_ASSIGN_OR_RETURN(tmpl.body, util::ReadFile(dir / file));
    PLUME_RETURN_IF_ERROR(CheckSyntax(tmpl.id, tmpl.body));
    lib.templates_.push_back(std::move(tmpl));
  }
  if (frames != 1) {
    return InvalidArgument(manifest_path.string() +
                           " : il faut exactement un gabarit de type « cadre »");
  }
  return lib;
}

const ReplyTemplate* TemplateLibrary::clarification() const {
  return clarification_index_ < 0 ? nullptr : &templates_[clarification_index_];
}

const ReplyTemplate* TemplateLibrary::ForDocument(const KnowledgeDocument& doc) const {
  for (const auto& t : templates_) {
    if (t.kind != TemplateKind::kReply) continue;
    for (const auto& f : t.fiches) {
      if (f == doc.fiche_id) return &t;
    }
  }
  std::set<std::string> titles;
  for (const auto& s : doc.sections) {
    for (const auto& p : s.path) titles.insert(SectionKey(p));
  }
  for (const auto& t : templates_) {
    if (t.kind != TemplateKind::kReply) continue;
    for (const auto& s : t.sections) {
      if (titles.count(SectionKey(s))) return &t;
    }
  }
  return nullptr;
}

Result<std::string> TemplateLibrary::Render(const ReplyTemplate& tmpl, const ReplySlots& slots) {
  mst::mustache m{tmpl.body};
  m.set_custom_escape([](const std::string& s) { return s; });  // plain text, not HTML
  std::string out = m.render(ToData(slots));
  if (!m.is_valid()) {
    return InvalidArgument("gabarit « " + tmpl.id + " » : " + m.error_message());
  }
  return out;
}

}  // namespace plume::draft
