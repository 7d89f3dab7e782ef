// ISO 8601 UTC timestamps as used in the JSON API. (The edit distance between a draft and the
// text an agent sent is util::EditDistance.)
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace plume::http {

// "2026-11-23T10:15:00Z" (seconds precision, milliseconds dropped).
std::string FormatIsoUtc(int64_t ms_since_epoch);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]" followed by "Z" or "+00:00"; nullopt otherwise.
std::optional<int64_t> ParseIsoUtc(std::string_view text);

}  // namespace plume::http
