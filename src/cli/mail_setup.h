// E-mail sending options shared by `plume mail send` and `plume serve` (issue #7), implemented in
// channel_commands.cc.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "http/server.h"
#include "plume/clock.h"
#include "plume/status.h"
#include "plume/store.h"

namespace plume::cli {

// SMTP relay and sender; also read from PLUME_SMTP_URL, PLUME_SMTP_USER, PLUME_MAIL_FROM,
// PLUME_PUBLIC_URL, the password from the variable named by --smtp-password-env.
struct MailArgs {
  std::string smtp_url;
  std::string smtp_user;
  std::string password_env = "PLUME_SMTP_PASSWORD";
  bool insecure_loopback = false;
  std::string mail_from;
  std::string mail_from_name;
  std::string public_base_url;
  int interval_s = 30;
};

// Adds --smtp-url, --smtp-user, --smtp-password-env, --smtp-insecure-loopback, --mail-from,
// --mail-from-name, --public-url, --mail-interval to `serve`.
void AddMailServeOptions(CLI::App& serve, MailArgs& args);

// The background sender of `plume serve`: stops (and joins) on destruction.
class MailRuntime {
 public:
  virtual ~MailRuntime() = default;
};

// Fills options->mail_from... from `args` and, when --smtp-url is given, starts the outbox sender
// thread (returned; null without SMTP: replies then wait in the outbox for `plume mail send`).
// Errors: kInvalidArgument (bad SMTP URL, --public-url not http(s), --mail-from not an address).
Result<std::unique_ptr<MailRuntime>> StartMailRuntime(const MailArgs& args, Store& store,
                                                      const Clock& clock,
                                                      http::ServerOptions* options);

}  // namespace plume::cli
