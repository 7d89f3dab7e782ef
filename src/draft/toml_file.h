// Reading the TOML files of the drafting resources (templates, prompts, agency profile).
// Private to src/draft: only its .cc files include it (it brings toml++ in).
#pragma once

#include <toml++/toml.h>

#include <filesystem>

#include "plume/status.h"

namespace plume::draft {

// Parses `file`. Errors: those of util::ReadFile; kInvalidArgument with the file name, line and
// reason for a syntax error.
Result<toml::table> ParseTomlFile(const std::filesystem::path& file);

}  // namespace plume::draft
