#include "draft/toml_file.h"

#include <string>

#include "util/files.h"

namespace plume::draft {

Result<toml::table> ParseTomlFile(const std::filesystem::path& file) {
  PLUME_ASSIGN_OR_RETURN(std::string text, util::ReadFile(file));
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    return InvalidArgument(file.string() + ", ligne " + std::to_string(e.source().begin.line) +
                           " : " + std::string(e.description()));
  }
}

}  // namespace plume::draft
