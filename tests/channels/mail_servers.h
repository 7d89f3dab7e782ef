// Real mail servers for the channels tests, started on 127.0.0.1 in a temporary directory:
// Dovecot (IMAP, passwd-file user, maildir) and Postfix (SMTP, virtual delivery into that same
// maildir, so a message sent by SMTP can be read back by IMAP). Both need root (CI runs as root):
// Dovecot and Postfix drop privileges to their own system users.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "plume/status.h"

namespace plume::channels::testing {

class MailServers {
 public:
  static constexpr const char* kUser = "agent";
  static constexpr const char* kPassword = "mot-de-passe-test";
  static constexpr const char* kCitizenAddress = "usager@citoyen.test";  // delivered to kUser

  // Starts both servers under `root` (an existing empty directory, removed by the caller).
  // Errors: kFailedPrecondition (not root, binaries missing), kUnavailable (a server did not
  // come up; the message includes its log).
  static Result<std::unique_ptr<MailServers>> Start(const std::filesystem::path& root);
  ~MailServers();

  int imap_port() const { return imap_port_; }
  int smtp_port() const { return smtp_port_; }
  std::string ImapUrl() const {
    return "imap://127.0.0.1:" + std::to_string(imap_port_) + "/INBOX";
  }
  std::string SmtpUrl() const { return "smtp://127.0.0.1:" + std::to_string(smtp_port_); }
  // Drops a raw message straight into the user's maildir (as a local delivery would).
  Status Deliver(const std::string& raw);

 private:
  MailServers() = default;
  Status StartDovecot();
  Status StartPostfix();

  std::filesystem::path root_;
  int imap_port_ = 0;
  int smtp_port_ = 0;
  pid_t dovecot_pid_ = -1;
  bool postfix_started_ = false;
  int delivered_ = 0;
};

}  // namespace plume::channels::testing
