#include "channels/mail_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

namespace plume::channels {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

Status EnsureCurl() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (code != CURLE_OK)
    return Internal(std::string("curl_global_init: ") + curl_easy_strerror(code));
  return Status::Ok();
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]" || host == "::1";
}

struct Buffer {
  std::string data;
  size_t max = 0;
  bool overflow = false;
};

size_t AppendCallback(char* ptr, size_t size, size_t n, void* user) {
  auto* b = static_cast<Buffer*>(user);
  size_t len = size * n;
  if (b->data.size() + len > b->max) {
    b->overflow = true;
    return 0;  // aborts the transfer
  }
  b->data.append(ptr, len);
  return len;
}

struct Reader {
  std::string_view data;
  size_t pos = 0;
};

size_t ReadCallback(char* out, size_t size, size_t n, void* user) {
  auto* r = static_cast<Reader*>(user);
  size_t len = std::min(size * n, r->data.size() - r->pos);
  std::memcpy(out, r->data.data() + r->pos, len);
  r->pos += len;
  return len;
}

void CommonOptions(CURL* h, const MailServerConfig& c, char* error_buffer) {
  curl_easy_setopt(h, CURLOPT_URL, c.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps,smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(c.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(c.timeout_ms));
  curl_easy_setopt(h, CURLOPT_USE_SSL,
                   c.tls == TlsMode::kRequired ? static_cast<long>(CURLUSESSL_ALL)
                                               : static_cast<long>(CURLUSESSL_NONE));
  if (!c.ca_bundle_path.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, c.ca_bundle_path.c_str());
  if (!c.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, c.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, c.password.c_str());
  }
}

Status FromCurl(CURL* h, CURLcode code, const char* error_buffer, const std::string& what) {
  long response = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response);
  std::string message = what + ": " + curl_easy_strerror(code);
  if (error_buffer[0] != '\0') message += std::string(" (") + error_buffer + ")";
  if (response != 0) message += " [" + std::to_string(response) + "]";
  if (code == CURLE_LOGIN_DENIED) return Unauthenticated(message);
  if (code == CURLE_OPERATION_TIMEDOUT) return DeadlineExceeded(message);
  if (response >= 500 && response < 600) return FailedPrecondition(message);
  return Unavailable(message);
}

bool ValidMailbox(const std::string& addr) {
  if (addr.empty() || addr.size() > 254 || addr.find('@') == std::string::npos) return false;
  return addr.find_first_of("\r\n<> \t,;") == std::string::npos;
}

}  // namespace

Status ValidateMailServerConfig(const MailServerConfig& config, std::string_view scheme_prefix) {
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, config.url.c_str(), 0) != CURLUE_OK) {
    return InvalidArgument("invalid mail server URL: " + config.url);
  }
  char* scheme = nullptr;
  char* host = nullptr;
  curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(url.get(), CURLUPART_HOST, &host, 0);
  std::string s = scheme ? scheme : "";
  std::string h = host ? host : "";
  curl_free(scheme);
  curl_free(host);
  if (s != scheme_prefix && s != std::string(scheme_prefix) + "s") {
    return InvalidArgument("mail server URL must start with " + std::string(scheme_prefix) +
                           ":// or " + std::string(scheme_prefix) + "s://: " + config.url);
  }
  if (config.tls == TlsMode::kNone && !IsLoopback(h)) {
    return InvalidArgument("TLS may be disabled only for a loopback host, not " + h);
  }
  return Status::Ok();
}

Result<std::unique_ptr<CurlSmtpSender>> CurlSmtpSender::Create(MailServerConfig config) {
  PLUME_RETURN_IF_ERROR(EnsureCurl());
  PLUME_RETURN_IF_ERROR(ValidateMailServerConfig(config, "smtp"));
  return std::unique_ptr<CurlSmtpSender>(new CurlSmtpSender(std::move(config)));
}

Status CurlSmtpSender::Send(const std::string& envelope_from,
                            const std::vector<std::string>& recipients,
                            std::string_view raw_message) {
  if (!ValidMailbox(envelope_from)) return InvalidArgument("invalid sender " + envelope_from);
  if (recipients.empty()) return InvalidArgument("no recipient");
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal("curl_easy_init failed");
  curl_slist* raw_list = nullptr;
  for (const std::string& r : recipients) {
    if (!ValidMailbox(r)) {
      curl_slist_free_all(raw_list);
      return InvalidArgument("invalid recipient " + r);
    }
    curl_slist* next = curl_slist_append(raw_list, ("<" + r + ">").c_str());
    if (!next) {
      curl_slist_free_all(raw_list);
      return Internal("curl_slist_append failed");
    }
    raw_list = next;
  }
  std::unique_ptr<curl_slist, SlistDeleter> rcpt(raw_list);
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  CommonOptions(h, config_, error_buffer);
  std::string from = "<" + envelope_from + ">";
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  Reader reader{raw_message, 0};
  curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadCallback);
  curl_easy_setopt(h, CURLOPT_READDATA, &reader);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(raw_message.size()));
  CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) return FromCurl(h, code, error_buffer, "SMTP send");
  return Status::Ok();
}

Result<std::unique_ptr<CurlImapMailbox>> CurlImapMailbox::Create(MailServerConfig config) {
  PLUME_RETURN_IF_ERROR(EnsureCurl());
  PLUME_RETURN_IF_ERROR(ValidateMailServerConfig(config, "imap"));
  return std::unique_ptr<CurlImapMailbox>(new CurlImapMailbox(std::move(config)));
}

Status CurlImapMailbox::Command(const std::string& command, std::string* body, std::string* all,
                                size_t max_bytes) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Internal("curl_easy_init failed");
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  CommonOptions(h, config_, error_buffer);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command.c_str());
  Buffer body_buf{{}, max_bytes, false};
  // libcurl hands every server response line, literals included, to the header callback.
  Buffer all_buf{{}, max_bytes + 64 * 1024, false};
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, AppendCallback);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body_buf);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, AppendCallback);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &all_buf);
  CURLcode code = curl_easy_perform(h);
  if (body_buf.overflow || all_buf.overflow) {
    return ResourceExhausted("IMAP response larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (code != CURLE_OK) return FromCurl(h, code, error_buffer, "IMAP " + command);
  if (body) *body = std::move(body_buf.data);
  if (all) *all = std::move(all_buf.data);
  return Status::Ok();
}

Result<std::vector<uint32_t>> CurlImapMailbox::ListUnseen(std::string_view skip_keyword) {
  std::string command = "UID SEARCH UNSEEN";
  if (!skip_keyword.empty()) {
    if (skip_keyword.find_first_of(" \r\n()\"{") != std::string_view::npos) {
      return InvalidArgument("invalid IMAP keyword");
    }
    command += " NOT KEYWORD " + std::string(skip_keyword);
  }
  std::string body;
  PLUME_RETURN_IF_ERROR(Command(command, &body, nullptr, 4u << 20));
  std::vector<uint32_t> uids;
  size_t pos = body.find("* SEARCH");
  if (pos == std::string::npos) return uids;
  pos += 8;
  size_t end = body.find('\n', pos);
  std::string_view line(body.data() + pos, (end == std::string::npos ? body.size() : end) - pos);
  uint64_t value = 0;
  bool in_number = false;
  for (char c : line) {
    if (c >= '0' && c <= '9') {
      value = value * 10 + static_cast<uint64_t>(c - '0');
      if (value > 0xFFFFFFFFu) return Unavailable("IMAP: UID out of range");
      in_number = true;
    } else {
      if (in_number) uids.push_back(static_cast<uint32_t>(value));
      value = 0;
      in_number = false;
    }
  }
  if (in_number) uids.push_back(static_cast<uint32_t>(value));
  std::sort(uids.begin(), uids.end());
  return uids;
}

Result<std::string> CurlImapMailbox::Fetch(uint32_t uid, size_t max_bytes) {
  std::string all;
  PLUME_RETURN_IF_ERROR(
      Command("UID FETCH " + std::to_string(uid) + " BODY.PEEK[]", nullptr, &all, max_bytes));
  // "* n FETCH (UID u BODY[] {size}\r\n<size bytes>)\r\n"
  size_t fetch = all.find(" FETCH (");
  if (fetch == std::string::npos)
    return NotFound("IMAP: no message with UID " + std::to_string(uid));
  size_t open = all.find("BODY[] {", fetch);
  if (open == std::string::npos) return Unavailable("IMAP: unexpected FETCH response");
  open += 8;
  size_t close = all.find("}\r\n", open);
  if (close == std::string::npos || close == open || close - open > 12) {
    return Unavailable("IMAP: unexpected FETCH literal");
  }
  uint64_t size = 0;
  for (size_t i = open; i < close; ++i) {
    if (all[i] < '0' || all[i] > '9') return Unavailable("IMAP: unexpected FETCH literal");
    size = size * 10 + static_cast<uint64_t>(all[i] - '0');
  }
  if (size > max_bytes) return ResourceExhausted("message larger than the limit");
  size_t start = close + 3;
  if (start + size > all.size()) return Unavailable("IMAP: truncated FETCH literal");
  return all.substr(start, size);
}

Status CurlImapMailbox::AddFlag(uint32_t uid, std::string_view flag) {
  if (flag.empty() || flag.find_first_of(" \r\n()\"{") != std::string_view::npos) {
    return InvalidArgument("invalid IMAP flag");
  }
  return Command("UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (" + std::string(flag) + ")",
                 nullptr, nullptr, 1u << 20);
}

}  // namespace plume::channels
