#include "draft/agency_profile.h"

#include "draft/toml_file.h"

namespace plume::draft {
namespace {

Status ReadList(const toml::table& t, const char* key, const std::string& file,
                std::vector<std::string>* out) {
  const toml::node* node = t.get(key);
  if (!node) return Status::Ok();
  const toml::array* a = node->as_array();
  if (!a) return InvalidArgument(file + " : « " + key + " » doit être une liste");
  for (const auto& v : *a) {
    auto s = v.value<std::string>();
    if (!s) return InvalidArgument(file + " : « " + key + " » : texte attendu");
    out->push_back(*s);
  }
  return Status::Ok();
}

}  // namespace

Result<AgencyProfile> LoadAgencyProfile(const std::filesystem::path& file) {
  PLUME_ASSIGN_OR_RETURN(toml::table t, ParseTomlFile(file));
  AgencyProfile p;
  p.name = t["name"].value_or(p.name);
  p.signature = t["signature"].value_or(p.signature);
  int64_t months = t["stale_after_months"].value_or(int64_t{p.stale_after_months});
  if (months < 1 || months > 1200) {
    return InvalidArgument(file.string() + " : « stale_after_months » hors limites");
  }
  p.stale_after_months = static_cast<int>(months);
  PLUME_RETURN_IF_ERROR(ReadList(t, "urls", file.string(), &p.urls));
  PLUME_RETURN_IF_ERROR(ReadList(t, "phones", file.string(), &p.phones));
  PLUME_RETURN_IF_ERROR(ReadList(t, "emails", file.string(), &p.emails));
  return p;
}

}  // namespace plume::draft
