// Streamed JSON for the hottest read route, the inbox list (GET /api/messages).
//
// Building the page as nlohmann values and dumping them took about two thirds of the route's time
// (one map node and string copy per field, a UTF-8 state machine per output byte). This writes
// the body in one pass with RapidJSON's writer instead.
//
// Contract: the result parses to exactly the value Dump() gives for
//   {"counts": CountsJson(counts), "messages": [MessageJson(m)...], "next_after_id": next}
// (for ListView::kFull) with the keys in the same (sorted) order; a string that is not valid UTF-8
// gets the same U+FFFD replacement as Dump(). Only the spelling of rare escapes may differ (\u001F
// vs \u001f). Private to src/http. Thread-safety: free function without shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plume/message.h"
#include "plume/store.h"

namespace plume::http {

// How much of each message a list shows: everything (MessageJson), or a summary for the inbox
// whose `body` is replaced by `excerpt`, util::Excerpt(body, kExcerptChars).
enum class ListView { kFull, kSummary };
inline constexpr size_t kExcerptChars = 160;

std::string MessageListBody(const std::vector<Message>& messages,
                            std::optional<int64_t> next_after_id, const MessageCounts& counts,
                            ListView view);

}  // namespace plume::http
