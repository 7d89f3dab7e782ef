// Private helpers of the channels module around GMime (included only by channels .cc files).
#pragma once

#include <gmime/gmime.h>

#include <memory>
#include <string>

namespace plume::channels::internal {

// Initialises GMime once per process; safe to call from any thread.
void EnsureGMimeInitialized();

struct GObjectUnref {
  void operator()(gpointer p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(gpointer p) const { g_free(p); }
};
// Takes ownership of a g_malloc'ed string and returns a copy (empty for null).
std::string TakeGString(char* s);

}  // namespace plume::channels::internal
