#include "channels/gmime_util.h"

#include <mutex>

namespace plume::channels::internal {

void EnsureGMimeInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

std::string TakeGString(char* s) {
  std::unique_ptr<char, GFree> owned(s);
  return s ? std::string(s) : std::string();
}

}  // namespace plume::channels::internal
