// IMAP and SMTP clients (libcurl). A mail server is named by URL:
//   imap://host:port/INBOX, imaps://host:993/INBOX, smtp://host:587, smtps://host:465.
// With TlsMode::kRequired a plain-scheme URL must upgrade with STARTTLS or the call fails;
// TlsMode::kNone (no TLS at all) is accepted only for loopback hosts (tests, local relays).
//
// Thread-safety: one instance per thread; instances share nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plume/status.h"

namespace plume::channels {

enum class TlsMode { kRequired, kNone };

struct MailServerConfig {
  std::string url;
  std::string username;
  std::string password;
  TlsMode tls = TlsMode::kRequired;
  std::string ca_bundle_path;  // empty: system CAs
  int64_t connect_timeout_ms = 10000;
  int64_t timeout_ms = 60000;
};

// Errors: kInvalidArgument for a URL that is not of `scheme_prefix` ("imap" / "smtp" with or
// without the s) or for TlsMode::kNone towards a non-loopback host.
Status ValidateMailServerConfig(const MailServerConfig& config, std::string_view scheme_prefix);

// Sends one message. Errors: kUnavailable (connection, TLS, 4xx: retry later),
// kFailedPrecondition (5xx: permanent refusal such as an unknown recipient),
// kUnauthenticated (login refused), kInvalidArgument (bad envelope).
class SmtpSender {
 public:
  virtual ~SmtpSender() = default;
  virtual Status Send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                      std::string_view raw_message) = 0;
};

class CurlSmtpSender final : public SmtpSender {
 public:
  static Result<std::unique_ptr<CurlSmtpSender>> Create(MailServerConfig config);
  Status Send(const std::string& envelope_from, const std::vector<std::string>& recipients,
              std::string_view raw_message) override;

 private:
  explicit CurlSmtpSender(MailServerConfig config) : config_(std::move(config)) {}
  MailServerConfig config_;
};

// One IMAP mailbox (the folder in the URL). Messages are read with BODY.PEEK, so reading never
// sets \Seen: the poller marks a message seen only once it is stored.
// Errors: kUnavailable (network, server), kUnauthenticated, kNotFound (unknown uid).
class ImapMailbox {
 public:
  virtual ~ImapMailbox() = default;
  // UIDs of messages neither \Seen nor flagged with `skip_keyword`, ascending.
  virtual Result<std::vector<uint32_t>> ListUnseen(std::string_view skip_keyword) = 0;
  // The raw message. kResourceExhausted when larger than max_bytes.
  virtual Result<std::string> Fetch(uint32_t uid, size_t max_bytes) = 0;
  virtual Status AddFlag(uint32_t uid, std::string_view flag) = 0;  // "\\Seen", "$PlumeRejected"
};

class CurlImapMailbox final : public ImapMailbox {
 public:
  static Result<std::unique_ptr<CurlImapMailbox>> Create(MailServerConfig config);
  Result<std::vector<uint32_t>> ListUnseen(std::string_view skip_keyword) override;
  Result<std::string> Fetch(uint32_t uid, size_t max_bytes) override;
  Status AddFlag(uint32_t uid, std::string_view flag) override;

 private:
  explicit CurlImapMailbox(MailServerConfig config) : config_(std::move(config)) {}
  // Runs one IMAP command; untagged response lines in *body, every response line in *all.
  Status Command(const std::string& command, std::string* body, std::string* all, size_t max_bytes);
  MailServerConfig config_;
};

}  // namespace plume::channels
