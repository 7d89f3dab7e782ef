// Builds the e-mail that carries an agent's reply back to the citizen: multipart/alternative
// (text/plain + text/html, UTF-8, quoted-printable) with Message-ID, In-Reply-To, References,
// Date, From, To and Subject (RFC 2047 when not ASCII), built with GMime. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"

namespace plume::channels {

struct OutgoingReply {
  std::string from_name;   // "Mairie de Rennes"; CR/LF and controls are stripped
  std::string from_email;  // service address, also the SMTP envelope sender
  std::string to_name;
  std::string to_email;
  std::string subject;                  // "Re: " is prefixed unless already there
  std::string text;                     // the reply validated by the agent (UTF-8)
  std::string satisfaction_url;         // http(s) link appended to both parts; may be empty
  std::string message_id;               // without brackets; generated when empty
  std::string in_reply_to;              // the citizen's Message-ID, without brackets; may be empty
  std::vector<std::string> references;  // the thread so far, oldest first, without brackets
  int64_t date_ms = 0;
};

// A fresh "<random>.<time>@domain" id, without brackets.
std::string NewMessageId(std::string_view domain, int64_t now_ms);

struct BuiltMessage {
  std::string message_id;  // without brackets
  std::string raw;         // CRLF line endings, ready for SMTP DATA
};

// Errors: kInvalidArgument for an invalid from/to address, non-UTF-8 text, an invalid message id
// or a satisfaction URL that is not http(s).
Result<BuiltMessage> BuildReplyMime(const OutgoingReply& reply);

}  // namespace plume::channels
