// SseParser: incremental parser for text/event-stream (Server-Sent Events) bodies.
//
// Follows the WHATWG event-stream grammar: lines end with "\n", "\r\n" or "\r" (a "\r\n" split
// across two Feed() calls counts as one line ending); lines starting with ":" are comments
// (": keep-alive"); "field: value" strips one space after the colon; several "data" lines of one
// event are joined with "\n"; a blank line dispatches the event. Events without a data line are
// not dispatched. Bytes may be fed in arbitrary pieces (any TCP segmentation).
//
// Thread-safety: none; one parser per stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"

namespace plume::llm {

struct SseEvent {
  std::string event;  // the "event" field; empty means "message"
  std::string data;
  std::string id;
};

class SseParser {
 public:
  // Lines longer than `max_line_bytes` (and events whose data exceeds it) are rejected.
  static constexpr size_t kDefaultMaxLineBytes = size_t{4} * 1024 * 1024;

  explicit SseParser(size_t max_line_bytes = kDefaultMaxLineBytes)
      : max_line_bytes_(max_line_bytes) {}

  // Parses `bytes` and appends each completed event to `out`. Returns kResourceExhausted when a
  // line or an event is too long; the parser must not be fed again after an error.
  Status Feed(std::string_view bytes, std::vector<SseEvent>* out);

  // End of stream. Lenient on purpose: an unterminated last line is processed and a pending event
  // without its closing blank line is appended to `out` (the spec would drop it). Callers decide
  // whether such a trailing event is trustworthy.
  void Finish(std::vector<SseEvent>* out);

  // True when bytes of an incomplete line or event are buffered.
  bool HasPendingData() const { return !line_.empty() || has_data_; }

 private:
  Status ProcessLine(std::string_view line, std::vector<SseEvent>* out);
  void Dispatch(std::vector<SseEvent>* out);

  size_t max_line_bytes_;
  std::string line_;           // bytes of the current, not yet terminated line
  bool skip_next_lf_ = false;  // the previous chunk ended with "\r"
  bool has_data_ = false;      // the pending event has at least one data line
  SseEvent pending_;
};

}  // namespace plume::llm
