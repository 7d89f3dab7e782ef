#include "channels/mime_parser.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "channels/gmime_util.h"
#include "channels/text_utils.h"
#include "util/text.h"

namespace plume::channels {
namespace {

using internal::GPtr;
using internal::TakeGString;

constexpr size_t kMaxHeaderValueBytes = 998;
constexpr size_t kMaxFilenameBytes = 255;
constexpr size_t kMaxReferences = 50;

char AsciiLowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

size_t CountCaseInsensitive(std::string_view hay, std::string_view needle) {
  size_t count = 0;
  if (needle.empty() || hay.size() < needle.size()) return 0;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && AsciiLowerChar(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) ++count;
  }
  return count;
}

// Boundary parameters declared anywhere in the message (bounded by the caller).
std::vector<std::string> DeclaredBoundaries(std::string_view raw, size_t max) {
  std::vector<std::string> out;
  std::string lower(raw.size(), '\0');
  std::transform(raw.begin(), raw.end(), lower.begin(), AsciiLowerChar);
  size_t pos = 0;
  while (out.size() < max && (pos = lower.find("boundary=", pos)) != std::string::npos) {
    pos += 9;
    std::string value;
    if (pos < raw.size() && raw[pos] == '"') {
      size_t end = raw.find('"', pos + 1);
      if (end == std::string_view::npos || end - pos > 200) continue;
      value = std::string(raw.substr(pos + 1, end - pos - 1));
    } else {
      size_t end = raw.find_first_of(" \t\r\n;", pos);
      if (end == std::string_view::npos) end = raw.size();
      if (end - pos > 200) continue;
      value = std::string(raw.substr(pos, end - pos));
    }
    if (!value.empty()) out.push_back(std::move(value));
  }
  return out;
}

// Cheap bounds checked before GMime builds its tree, so that a MIME bomb never reaches it: the
// number of multipart / message containers (bounds nesting depth too) and of boundary lines.
Status PreScan(std::string_view raw, const MimeLimits& limits) {
  size_t containers =
      CountCaseInsensitive(raw, "multipart/") + CountCaseInsensitive(raw, "message/");
  if (containers > static_cast<size_t>(limits.max_parts)) {
    return ResourceExhausted("MIME bomb: " + std::to_string(containers) +
                             " multipart/message containers (limit " +
                             std::to_string(limits.max_parts) + ")");
  }
  std::vector<std::string> boundaries = DeclaredBoundaries(raw, containers + 1);
  if (boundaries.empty()) return Status::Ok();
  size_t delimiters = 0;
  size_t limit = static_cast<size_t>(limits.max_parts) + boundaries.size();
  size_t start = 0;
  while (start < raw.size()) {
    size_t nl = raw.find('\n', start);
    if (nl == std::string_view::npos) nl = raw.size();
    std::string_view line = raw.substr(start, nl - start);
    if (line.size() > 2 && line[0] == '-' && line[1] == '-') {
      for (const std::string& b : boundaries) {
        if (line.substr(2, b.size()) == b) {
          if (++delimiters > limit) {
            return ResourceExhausted("MIME bomb: more than " + std::to_string(limits.max_parts) +
                                     " MIME parts");
          }
          break;
        }
      }
    }
    start = nl + 1;
  }
  return Status::Ok();
}

std::string CleanHeader(const char* value) {
  if (!value) return {};
  return std::string(util::TruncateUtf8(HeaderSafe(value), kMaxHeaderValueBytes));
}

// A message id without brackets, or empty when it contains anything but printable ASCII.
std::string CleanMessageId(std::string_view id) {
  std::string out;
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (c == '<' || c == '>' || u <= 0x20 || u >= 0x7F) continue;
    out.push_back(c);
  }
  if (out.size() > kMaxHeaderValueBytes) return {};
  return out;
}

// A plausible mailbox address (lower-cased), or empty.
std::string CleanAddress(const char* addr) {
  if (!addr) return {};
  std::string a(addr);
  if (a.empty() || a.size() > 254) return {};
  size_t at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() ||
      a.find('@', at + 1) != std::string::npos) {
    return {};
  }
  for (char& c : a) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == '"' || c == ',' || c == ';') {
      return {};
    }
    c = AsciiLowerChar(c);
  }
  return util::IsValidUtf8(a) ? a : std::string();
}

void FirstMailbox(InternetAddressList* list, std::string* name, std::string* email) {
  if (!list) return;
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* addr = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(addr)) {
      // "Name: a@b;" or a display name with a colon read as a group: look at its members.
      std::string member_email;
      FirstMailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(addr)), nullptr,
                   &member_email);
      if (member_email.empty()) continue;
      if (email) *email = member_email;
      if (name) *name = CleanHeader(internet_address_get_name(addr));
      return;
    }
    if (!INTERNET_ADDRESS_IS_MAILBOX(addr)) continue;
    if (email)
      *email = CleanAddress(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(addr)));
    if (name) *name = CleanHeader(internet_address_get_name(addr));
    return;
  }
}

std::string DecodedContent(GMimePart* part) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
  if (!wrapper) return {};
  GPtr<GMimeStream> mem(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(wrapper, mem.get()) < 0) return {};
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
  if (!bytes) return {};
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

std::string SafeFilename(const char* name) {
  if (!name) return {};
  std::string clean = HeaderSafe(name);
  size_t slash = clean.find_last_of("/\\");
  if (slash != std::string::npos) clean = clean.substr(slash + 1);
  if (clean == "." || clean == "..") clean.clear();
  return std::string(util::TruncateUtf8(clean, kMaxFilenameBytes));
}

struct Walker {
  const MimeLimits& limits;
  ParsedEmail* out;
  std::vector<std::string> plain;
  std::vector<std::string> html;
  int parts = 0;
  size_t attachment_bytes = 0;
  Status status;

  void AddAttachment(Attachment a) {
    if (attachment_bytes + a.size > limits.max_attachment_bytes) {
      a.dropped = true;
      a.data.clear();
      out->warnings.push_back("pièce jointe « " + a.filename + " » non conservée (" +
                              std::to_string(a.size) + " octets, limite totale dépassée)");
    } else {
      attachment_bytes += a.size;
    }
    out->attachments.push_back(std::move(a));
  }

  std::string TextOf(GMimeObject* obj, GMimePart* part) {
    std::string bytes = DecodedContent(part);
    const char* cs = g_mime_object_get_content_type_parameter(obj, "charset");
    bool lossy = false;
    std::string text = ToUtf8(bytes, cs ? cs : "", &lossy);
    // One line-ending convention for the stored text: LF.
    std::string lf;
    lf.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r') {
        lf.push_back('\n');
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        lf.push_back(text[i]);
      }
    }
    text = std::move(lf);
    if (lossy) {
      out->warnings.push_back("caractères illisibles remplacés (jeu de caractères « " +
                              HeaderSafe(cs ? cs : "") + " »)");
    }
    return text;
  }

  void Walk(GMimeObject* obj, int depth) {
    if (!status.ok() || !obj) return;
    if (depth > limits.max_depth) {
      status =
          ResourceExhausted("MIME bomb: nesting deeper than " + std::to_string(limits.max_depth));
      return;
    }
    if (++parts > limits.max_parts) {
      status = ResourceExhausted("MIME bomb: more than " + std::to_string(limits.max_parts) +
                                 " MIME parts");
      return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
      GMimeMultipart* mp = GMIME_MULTIPART(obj);
      int n = g_mime_multipart_get_count(mp);
      for (int i = 0; i < n && status.ok(); ++i) Walk(g_mime_multipart_get_part(mp, i), depth + 1);
      return;
    }
    GMimeContentType* ct = g_mime_object_get_content_type(obj);
    std::string mime_type = ct ? TakeGString(g_mime_content_type_get_mime_type(ct)) : "";
    if (GMIME_IS_MESSAGE_PART(obj)) {
      // A forwarded message: kept whole as an attachment.
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
      Attachment a;
      a.content_type = "message/rfc822";
      a.filename = "message-joint.eml";
      if (inner) a.data = TakeGString(g_mime_object_to_string(GMIME_OBJECT(inner), nullptr));
      a.size = a.data.size();
      AddAttachment(std::move(a));
      return;
    }
    if (!GMIME_IS_PART(obj)) return;
    GMimePart* part = GMIME_PART(obj);
    bool is_text = ct && g_mime_content_type_is_type(ct, "text", "plain");
    bool is_html = ct && g_mime_content_type_is_type(ct, "text", "html");
    if ((is_text || is_html) && !g_mime_part_is_attachment(part)) {
      (is_text ? plain : html).push_back(TextOf(obj, part));
      return;
    }
    Attachment a;
    a.filename = SafeFilename(g_mime_part_get_filename(part));
    a.content_type =
        util::IsValidUtf8(mime_type) ? HeaderSafe(mime_type) : "application/octet-stream";
    a.data = DecodedContent(part);
    a.size = a.data.size();
    AddAttachment(std::move(a));
  }
};

std::string JoinTexts(const std::vector<std::string>& texts) {
  std::string out;
  for (const std::string& t : texts) {
    std::string_view trimmed = util::Trim(t);
    if (trimmed.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += trimmed;
  }
  return out;
}

}  // namespace

Result<ParsedEmail> ParseEmail(std::string_view raw, const MimeLimits& limits) {
  if (raw.size() > limits.max_message_bytes) {
    return ResourceExhausted("message of " + std::to_string(raw.size()) + " bytes (limit " +
                             std::to_string(limits.max_message_bytes) + ")");
  }
  if (util::Trim(raw).empty()) return InvalidArgument("empty message");
  PLUME_RETURN_IF_ERROR(PreScan(raw, limits));
  internal::EnsureGMimeInitialized();

  std::unique_ptr<GMimeParserOptions, decltype(&g_mime_parser_options_free)> options(
      g_mime_parser_options_new(), &g_mime_parser_options_free);
  g_mime_parser_options_set_rfc2047_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  const char* fallback[] = {"utf-8", "windows-1252", nullptr};
  g_mime_parser_options_set_fallback_charsets(options.get(), fallback);

  // The memory stream copies the bytes (GMime streams are not const-correct).
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
  if (!message) return InvalidArgument("not an e-mail message (no header)");
  GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(message.get()));
  if (!headers || g_mime_header_list_get_count(headers) == 0) {
    return InvalidArgument("not an e-mail message (no header)");
  }

  ParsedEmail email;
  email.message_id = CleanMessageId(g_mime_message_get_message_id(message.get())
                                        ? g_mime_message_get_message_id(message.get())
                                        : "");
  GMimeObject* mobj = GMIME_OBJECT(message.get());
  if (const char* irt = g_mime_object_get_header(mobj, "In-Reply-To")) {
    GMimeReferences* refs = g_mime_references_parse(options.get(), irt);
    if (refs && g_mime_references_length(refs) > 0) {
      email.in_reply_to = CleanMessageId(g_mime_references_get_message_id(refs, 0));
    }
    if (refs) g_mime_references_free(refs);
  }
  if (const char* r = g_mime_object_get_header(mobj, "References")) {
    GMimeReferences* refs = g_mime_references_parse(options.get(), r);
    if (refs) {
      int n = g_mime_references_length(refs);
      int first = std::max(0, n - static_cast<int>(kMaxReferences));
      for (int i = first; i < n; ++i) {
        std::string id = CleanMessageId(g_mime_references_get_message_id(refs, i));
        if (!id.empty()) email.references.push_back(std::move(id));
      }
      g_mime_references_free(refs);
    }
  }
  FirstMailbox(g_mime_message_get_from(message.get()), &email.from_name, &email.from_email);
  FirstMailbox(g_mime_message_get_reply_to(message.get()), nullptr, &email.reply_to_email);
  if (email.from_email.empty()) email.warnings.push_back("adresse de l'expéditeur illisible");
  email.subject = CleanHeader(g_mime_message_get_subject(message.get()));
  if (GDateTime* date = g_mime_message_get_date(message.get())) {
    email.date_ms = static_cast<int64_t>(g_date_time_to_unix(date)) * 1000;
  }

  Walker walker{limits, &email, {}, {}, 0, 0, Status::Ok()};
  walker.Walk(g_mime_message_get_mime_part(message.get()), 0);
  PLUME_RETURN_IF_ERROR(walker.status);
  if (!walker.plain.empty()) {
    email.full_body = JoinTexts(walker.plain);
  } else if (!walker.html.empty()) {
    std::vector<std::string> texts;
    for (const std::string& h : walker.html) texts.push_back(MailHtmlToText(h));
    email.full_body = JoinTexts(texts);
    email.body_from_html = true;
  }
  email.full_body = SanitizeUtf8(email.full_body);
  email.body = TrimQuotedHistory(email.full_body);
  if (email.body.empty()) email.body = email.full_body;
  return email;
}

}  // namespace plume::channels
