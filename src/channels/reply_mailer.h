// Turns an agent's validated reply into an e-mail waiting in the outbox: the citizen's address
// and subject from the message, In-Reply-To / References from the stored e-mail envelope (when
// the message came by e-mail), the satisfaction link as an absolute URL, the agency's From.
//
// Thread-safety: EnqueueReplyEmail may be called concurrently (the Store is thread-safe).
#pragma once

#include <cstdint>
#include <string>

#include "plume/clock.h"
#include "plume/message.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::channels {

struct ReplyMailConfig {
  std::string from_email;       // agency address: From and SMTP envelope sender; empty: no e-mail
  std::string from_name;        // "Préfecture du Rhône"; may be empty
  std::string public_base_url;  // "https://plume.example.fr"; empty: the link is left out
};

// Whether a reply to `message` should go out by e-mail: it came by e-mail or carries a sender
// address.
bool RepliesByEmail(const Message& message);

// Builds the reply e-mail for `decision` (a sending decision on `message`) and enqueues it, due
// at once. `satisfaction_path` is "/avis/<token>" or empty. Returns the outbox entry id.
// Errors: kFailedPrecondition when config.from_email is empty or the message has no sender
// address; kInvalidArgument when the e-mail cannot be built (invalid address, base URL not
// http(s)); store errors.
Result<int64_t> EnqueueReplyEmail(Store& store, const Clock& clock, const ReplyMailConfig& config,
                                  const Message& message, const Decision& decision,
                                  const std::string& satisfaction_path);

}  // namespace plume::channels
