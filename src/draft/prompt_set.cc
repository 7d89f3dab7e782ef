#include "draft/prompt_set.h"

#include <kainjow/mustache.hpp>

#include "draft/toml_file.h"
#include "util/files.h"

namespace plume::draft {

namespace mst = kainjow::mustache;

Result<PromptSet> PromptSet::Load(const std::filesystem::path& dir) {
  std::filesystem::path manifest_path = dir / "manifest.toml";
  PLUME_ASSIGN_OR_RETURN(toml::table manifest, ParseTomlFile(manifest_path));
  PromptSet p;
  p.version_ = manifest["version"].value_or(std::string());
  std::string system_file = manifest["system"].value_or(std::string());
  std::string user_file = manifest["user"].value_or(std::string());
  if (p.version_.empty() || system_file.empty() || user_file.empty()) {
    return InvalidArgument(manifest_path.string() +
                           " : « version », « system » et « user » sont requis");
  }
  PLUME_ASSIGN_OR_RETURN(p.system_, util::ReadFile(dir / system_file));
  PLUME_ASSIGN_OR_RETURN(p.user_template_, util::ReadFile(dir / user_file));
  mst::mustache check{p.user_template_};
  if (!check.is_valid()) {
    return InvalidArgument(user_file + " : " + check.error_message());
  }
  return p;
}

Result<std::string> PromptSet::RenderUser(const std::string& message,
                                          const std::vector<PromptSource>& sources,
                                          const std::string& reply_template) const {
  mst::mustache m{user_template_};
  m.set_custom_escape([](const std::string& s) { return s; });
  mst::data d;
  d.set("message", message);
  mst::data list{mst::data::type::list};
  for (const auto& s : sources) {
    mst::data item;
    item.set("id", s.id);
    item.set("titre", s.title);
    item.set("url", s.url);
    item.set("date", s.date);
    item.set("extrait", s.excerpt);
    list.push_back(item);
  }
  d.set("sources", list);
  if (!reply_template.empty()) d.set("reponse_type", reply_template);
  std::string out = m.render(d);
  if (!m.is_valid()) return InvalidArgument("invite : " + m.error_message());
  return out;
}

}  // namespace plume::draft
