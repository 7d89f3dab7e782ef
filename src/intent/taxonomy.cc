#include "intent/taxonomy.h"

#include <nlohmann/json.hpp>

#include "util/files.h"

namespace plume::intent {

using json = nlohmann::json;

namespace {

Result<std::string> RequiredString(const json& obj, const char* key, std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get<std::string>().empty()) {
    return InvalidArgument("taxonomy: " + std::string(where) + " needs a non-empty string '" + key +
                           "'");
  }
  return it->get<std::string>();
}

}  // namespace

Result<Taxonomy> Taxonomy::Load(const std::filesystem::path& file) {
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file, 1u << 20));
  auto t = Parse(text);
  if (!t.ok()) return t.status().WithContext(file.string());
  return t;
}

Result<Taxonomy> Taxonomy::Parse(std::string_view json_text) {
  json root = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgument("taxonomy: not a JSON object");
  }
  Taxonomy t;
  PLUME_ASSIGN_OR_RETURN(t.version_, RequiredString(root, "version", "root"));
  auto tq = root.find("to_qualify");
  if (tq == root.end() || !tq->is_object()) {
    return InvalidArgument("taxonomy: missing object 'to_qualify'");
  }
  PLUME_ASSIGN_OR_RETURN(t.to_qualify_.id, RequiredString(*tq, "id", "to_qualify"));
  PLUME_ASSIGN_OR_RETURN(t.to_qualify_.name, RequiredString(*tq, "name", "to_qualify"));
  auto labels = root.find("labels");
  if (labels == root.end() || !labels->is_array() || labels->empty()) {
    return InvalidArgument("taxonomy: 'labels' must be a non-empty array");
  }
  auto add_keys = [](const json& label, const char* field, const std::string& id,
                     std::map<std::string, std::string, std::less<>>* out) -> Status {
    auto it = label.find(field);
    if (it == label.end()) return Status::Ok();
    if (!it->is_array())
      return InvalidArgument("taxonomy: '" + std::string(field) + "' of " + id +
                             " must be an array");
    for (const auto& key : *it) {
      if (!key.is_string()) return InvalidArgument("taxonomy: non-string key in " + id);
      auto [pos, inserted] = out->emplace(key.get<std::string>(), id);
      if (!inserted) {
        return InvalidArgument("taxonomy: '" + pos->first + "' maps to both " + pos->second +
                               " and " + id);
      }
    }
    return Status::Ok();
  };
  for (const auto& label : *labels) {
    if (!label.is_object()) return InvalidArgument("taxonomy: a label is not an object");
    IntentLabel l;
    PLUME_ASSIGN_OR_RETURN(l.id, RequiredString(label, "id", "label"));
    PLUME_ASSIGN_OR_RETURN(l.name, RequiredString(label, "name", "label " + l.id));
    if (t.Contains(l.id) || l.id == t.to_qualify_.id) {
      return InvalidArgument("taxonomy: duplicate label id " + l.id);
    }
    PLUME_RETURN_IF_ERROR(add_keys(label, "breadcrumb", l.id, &t.breadcrumb_));
    PLUME_RETURN_IF_ERROR(add_keys(label, "cdtn", l.id, &t.cdtn_));
    t.labels_.push_back(std::move(l));
  }
  return t;
}

bool Taxonomy::Contains(std::string_view id) const {
  for (const auto& l : labels_) {
    if (l.id == id) return true;
  }
  return false;
}

std::string Taxonomy::NameOf(std::string_view id) const {
  if (id == to_qualify_.id) return to_qualify_.name;
  for (const auto& l : labels_) {
    if (l.id == id) return l.name;
  }
  return std::string(id);
}

std::string Taxonomy::LabelForBreadcrumb(std::string_view audience, std::string_view level1) const {
  std::string key = std::string(audience) + "/" + std::string(level1);
  if (auto it = breadcrumb_.find(key); it != breadcrumb_.end()) return it->second;
  if (auto it = breadcrumb_.find(std::string(audience) + "/*"); it != breadcrumb_.end()) {
    return it->second;
  }
  return "";
}

std::string Taxonomy::LabelForDocument(const KnowledgeDocument& doc) const {
  std::string_view level1;
  if (doc.breadcrumb.size() > 1) level1 = doc.breadcrumb[1].label;
  return LabelForBreadcrumb(doc.audience, level1);
}

std::map<std::string, std::vector<std::string>, std::less<>> Taxonomy::ThemesByIntent() const {
  std::map<std::string, std::vector<std::string>, std::less<>> out;
  for (const auto& [key, id] : breadcrumb_) out[id].push_back(key);
  return out;
}

std::string Taxonomy::LabelForCdtnTheme(std::string_view theme) const {
  if (auto it = cdtn_.find(theme); it != cdtn_.end()) return it->second;
  if (auto it = cdtn_.find("*"); it != cdtn_.end()) return it->second;
  return "";
}

std::filesystem::path TaxonomyPath(const std::filesystem::path& resource_dir) {
  return resource_dir / "intent" / "taxonomy.json";
}

}  // namespace plume::intent
