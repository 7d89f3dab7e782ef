// ParseEmail on arbitrary bytes: no crash, no sanitizer report, and every output string valid
// UTF-8 with header fields free of CR/LF.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "channels/mime_parser.h"
#include "util/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  plume::channels::MimeLimits limits;
  limits.max_attachment_bytes = 64 * 1024;
  auto email = plume::channels::ParseEmail(raw, limits);
  if (!email.ok()) return 0;
  for (const std::string* s : {&email->subject, &email->from_name, &email->from_email,
                               &email->message_id, &email->in_reply_to}) {
    if (!plume::util::IsValidUtf8(*s) || s->find_first_of("\r\n") != std::string::npos) abort();
  }
  if (!plume::util::IsValidUtf8(email->body) || !plume::util::IsValidUtf8(email->full_body)) {
    abort();
  }
  for (const auto& a : email->attachments) {
    if (!plume::util::IsValidUtf8(a.filename) || a.filename.find('/') != std::string::npos) abort();
  }
  return 0;
}
