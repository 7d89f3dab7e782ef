// File-system helpers returning Status instead of throwing.
#pragma once

#include <filesystem>
#include <string>

#include "plume/status.h"

namespace plume::util {

// Reads a whole file. Errors: kNotFound when missing, kInvalidArgument when a directory,
// kResourceExhausted when larger than max_bytes, kUnavailable on read errors.
Result<std::string> ReadFile(const std::filesystem::path& path, size_t max_bytes = 64u << 20);

// Writes atomically (temporary file + rename). Errors: kUnavailable.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content);

}  // namespace plume::util
