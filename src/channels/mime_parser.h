// Parses one RFC 5322 / MIME e-mail (as fetched by IMAP or found in an mbox) into what Plume
// stores: sender, subject, threading ids, a UTF-8 text body with quoted history trimmed, and the
// attachments. Built on GMime 3.
//
// Hostile input is expected: every string in ParsedEmail is valid UTF-8 (util::IsValidUtf8),
// header values contain no CR/LF/control characters, sizes and MIME nesting are bounded.
// Thread-safety: ParseEmail may be called concurrently from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"

namespace plume::channels {

struct MimeLimits {
  size_t max_message_bytes = 10u << 20;     // the raw message
  size_t max_attachment_bytes = 25u << 20;  // decoded attachments, all together
  int max_depth = 10;                       // nesting of multipart / message parts
  int max_parts = 200;                      // MIME parts in the whole tree
};

struct Attachment {
  std::string filename;      // as declared (sanitised; may be empty)
  std::string content_type;  // "application/pdf"
  std::string data;          // decoded bytes; empty when dropped
  size_t size = 0;           // decoded size, also when dropped
  bool dropped = false;      // over MimeLimits::max_attachment_bytes: listed, not kept
};

struct ParsedEmail {
  std::string message_id;               // without angle brackets; empty when absent
  std::string in_reply_to;              // first id of In-Reply-To, without brackets
  std::vector<std::string> references;  // References ids, oldest first
  std::string from_name;
  std::string from_email;  // lower-cased address; empty when the From header is unusable
  std::string reply_to_email;
  std::string subject;
  std::optional<int64_t> date_ms;  // Date header, when parseable
  std::string body;       // text for the agent: quoted history trimmed (full text if all quoted)
  std::string full_body;  // text before trimming
  bool body_from_html = false;  // no text/plain part: body converted from text/html
  std::vector<Attachment> attachments;
  std::vector<std::string> warnings;  // French, for the agent ("jeu de caractères inconnu ...")
};

// Errors: kResourceExhausted when the message is larger than limits.max_message_bytes or its MIME
// tree deeper than max_depth or with more than max_parts parts (MIME bomb); kInvalidArgument when
// the bytes are not a message at all (no header). Attachments over max_attachment_bytes are
// listed with dropped = true and a warning, the message itself is kept.
Result<ParsedEmail> ParseEmail(std::string_view raw, const MimeLimits& limits = {});

}  // namespace plume::channels
