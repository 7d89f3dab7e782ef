// What an agency configures for its replies: its name, the agent signature placeholder and its
// own contact points, the only links, phones and addresses a draft may give besides the sources.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plume/status.h"

namespace plume::draft {

struct AgencyProfile {
  std::string name;  // "Préfecture du Rhône"; may be empty
  std::string signature = "[Prénom Nom]\n[Fonction, service]";  // the agent completes it
  std::vector<std::string> urls;    // the agency's own pages and online services
  std::vector<std::string> phones;  // its switchboard, helpline
  std::vector<std::string> emails;  // its contact addresses
  int stale_after_months = 12;      // a cited fiche older than this raises a warning
};

// Reads a TOML file:
//   name = "Préfecture du Rhône"
//   signature = "..."
//   urls = ["https://www.rhone.gouv.fr"]   phones = ["04 72 61 60 60"]   emails = [...]
//   stale_after_months = 12
// Errors: kNotFound, kInvalidArgument (syntax with its line, wrong types, months < 1).
Result<AgencyProfile> LoadAgencyProfile(const std::filesystem::path& file);

}  // namespace plume::draft
