#include "llm/sse_parser.h"

#include <utility>

namespace plume::llm {

Status SseParser::Feed(std::string_view bytes, std::vector<SseEvent>* out) {
  size_t i = 0;
  if (skip_next_lf_ && !bytes.empty()) {
    skip_next_lf_ = false;
    if (bytes[0] == '\n') i = 1;
  }
  while (i < bytes.size()) {
    const size_t end = bytes.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      if (line_.size() + (bytes.size() - i) > max_line_bytes_) {
        return ResourceExhausted("server-sent event line longer than " +
                                 std::to_string(max_line_bytes_) + " bytes");
      }
      line_.append(bytes.substr(i));
      break;
    }
    Status status;
    if (line_.empty()) {
      status = ProcessLine(bytes.substr(i, end - i), out);
    } else {
      line_.append(bytes.substr(i, end - i));
      std::string line = std::move(line_);
      line_.clear();
      status = ProcessLine(line, out);
    }
    if (!status.ok()) return status;
    i = end + 1;
    if (bytes[end] == '\r') {
      if (i == bytes.size()) {
        skip_next_lf_ = true;
      } else if (bytes[i] == '\n') {
        ++i;
      }
    }
  }
  return Status::Ok();
}

void SseParser::Finish(std::vector<SseEvent>* out) {
  if (!line_.empty()) {
    std::string line = std::move(line_);
    line_.clear();
    // The size was already checked when the bytes were buffered.
    (void)ProcessLine(line, out);
  }
  Dispatch(out);
  skip_next_lf_ = false;
}

Status SseParser::ProcessLine(std::string_view line, std::vector<SseEvent>* out) {
  if (line.empty()) {
    Dispatch(out);
    return Status::Ok();
  }
  if (line.front() == ':') return Status::Ok();  // comment, e.g. ": keep-alive"
  std::string_view field = line;
  std::string_view value;
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (pending_.data.size() + value.size() + 1 > max_line_bytes_) {
      return ResourceExhausted("server-sent event data longer than " +
                               std::to_string(max_line_bytes_) + " bytes");
    }
    if (has_data_) pending_.data.push_back('\n');
    pending_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    pending_.event.assign(value);
  } else if (field == "id") {
    pending_.id.assign(value);
  }
  // "retry" and unknown fields are ignored: reconnection is not used for completions.
  return Status::Ok();
}

void SseParser::Dispatch(std::vector<SseEvent>* out) {
  if (has_data_) out->push_back(std::move(pending_));
  pending_ = SseEvent();
  has_data_ = false;
}

}  // namespace plume::llm
