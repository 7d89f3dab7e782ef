// Versioned prompts of the generative engine, read from files (resources/prompts/<version>/):
// manifest.toml (version, system, user), the system prompt and the user prompt template
// (mustache; slots: message, sources[] {id, titre, url, date, extrait}, and from reply-v2
// reponse_type: an approved réponse type to follow, absent when none applies).
// Thread-safety: immutable after Load().
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plume/status.h"

namespace plume::draft {

struct PromptSource {
  std::string id;  // "S1"
  std::string title;
  std::string url;
  std::string date;
  std::string excerpt;
};

class PromptSet {
 public:
  // Errors: kNotFound (missing files), kInvalidArgument (manifest syntax, missing version,
  // mustache syntax error in the user template).
  static Result<PromptSet> Load(const std::filesystem::path& dir);

  const std::string& version() const { return version_; }
  const std::string& system() const { return system_; }
  // The user prompt for a (pseudonymised) message, its sources and, when not empty, the
  // (pseudonymised) text of the réponse type to follow; a prompt set without the
  // "reponse_type" slot leaves it out.
  Result<std::string> RenderUser(const std::string& message,
                                 const std::vector<PromptSource>& sources,
                                 const std::string& reply_template = {}) const;

 private:
  std::string version_;
  std::string system_;
  std::string user_template_;
};

}  // namespace plume::draft
