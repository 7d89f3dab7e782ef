#include "channels/reply_builder.h"

#include <gmime/gmime.h>

#include <random>
#include <string>

#include "channels/gmime_util.h"
#include "channels/text_utils.h"
#include "util/text.h"

namespace plume::channels {
namespace {

using internal::GPtr;

bool ValidAddress(const std::string& a) {
  size_t at = a.find('@');
  return !a.empty() && a.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < a.size() &&
         a.find('@', at + 1) == std::string::npos &&
         a.find_first_of(" \t\r\n<>,;:\"()[]\\") == std::string::npos && util::IsValidUtf8(a);
}

bool ValidMessageId(const std::string& id) {
  if (id.empty() || id.size() > 250 || id.find('@') == std::string::npos) return false;
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == '"' || c == '\\') {
      return false;
    }
  }
  return true;
}

std::string TextToHtml(std::string_view text, const std::string& url) {
  std::string html =
      "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"></head><body>\n";
  size_t start = 0;
  std::string paragraph;
  auto flush = [&] {
    if (!paragraph.empty()) html += "<p>" + paragraph + "</p>\n";
    paragraph.clear();
  };
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (util::Trim(line).empty()) {
      flush();
    } else {
      if (!paragraph.empty()) paragraph += "<br>\n";
      paragraph += util::HtmlEscape(line);
    }
    start = nl + 1;
  }
  flush();
  if (!url.empty()) {
    html += "<p>Votre avis nous intéresse : <a href=\"" + util::HtmlEscape(url) +
            "\">donnez votre avis sur cette réponse</a>.</p>\n";
  }
  return html + "</body></html>\n";
}

// A text/<subtype> part holding `content` as UTF-8, quoted-printable. (g_mime_text_part_set_text
// would pick the smallest charset, e.g. ISO-8859-1; replies are always labelled UTF-8.)
GMimePart* NewTextPart(const char* subtype, const std::string& content) {
  GMimePart* part = g_mime_part_new_with_type("text", subtype);
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(content.data(), content.size()));
  GPtr<GMimeDataWrapper> wrapper(
      g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, wrapper.get());
  g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return part;
}

}  // namespace

std::string NewMessageId(std::string_view domain, int64_t now_ms) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(buf) + "." + std::to_string(now_ms) + "@" +
         (domain.empty() ? std::string("plume.invalid") : std::string(domain));
}

Result<BuiltMessage> BuildReplyMime(const OutgoingReply& reply) {
  if (!ValidAddress(reply.from_email)) return InvalidArgument("invalid from address");
  if (!ValidAddress(reply.to_email)) return InvalidArgument("invalid recipient address");
  if (!util::IsValidUtf8(reply.text) || !util::IsValidUtf8(reply.subject)) {
    return InvalidArgument("reply is not valid UTF-8");
  }
  if (util::Trim(reply.text).empty()) return InvalidArgument("empty reply");
  if (!reply.satisfaction_url.empty() &&
      ((reply.satisfaction_url.rfind("https://", 0) != 0 &&
        reply.satisfaction_url.rfind("http://", 0) != 0) ||
       reply.satisfaction_url.find_first_of(" \r\n\"<>") != std::string::npos)) {
    return InvalidArgument("satisfaction URL must be http(s)");
  }
  std::string domain = reply.from_email.substr(reply.from_email.find('@') + 1);
  BuiltMessage out;
  out.message_id =
      reply.message_id.empty() ? NewMessageId(domain, reply.date_ms) : reply.message_id;
  if (!ValidMessageId(out.message_id)) return InvalidArgument("invalid Message-ID");
  if (!reply.in_reply_to.empty() && !ValidMessageId(reply.in_reply_to)) {
    return InvalidArgument("invalid In-Reply-To");
  }
  for (const std::string& r : reply.references) {
    if (!ValidMessageId(r)) return InvalidArgument("invalid References entry");
  }

  internal::EnsureGMimeInitialized();
  GPtr<GMimeMessage> msg(g_mime_message_new(TRUE));
  GMimeObject* obj = GMIME_OBJECT(msg.get());
  g_mime_message_add_mailbox(msg.get(), GMIME_ADDRESS_TYPE_FROM,
                             HeaderSafe(reply.from_name).c_str(), reply.from_email.c_str());
  g_mime_message_add_mailbox(msg.get(), GMIME_ADDRESS_TYPE_TO, HeaderSafe(reply.to_name).c_str(),
                             reply.to_email.c_str());
  std::string subject = HeaderSafe(reply.subject);
  std::string lower = util::ToLowerFrench(subject);
  if (lower.rfind("re:", 0) != 0 && lower.rfind("re :", 0) != 0) subject = "Re: " + subject;
  g_mime_message_set_subject(msg.get(), subject.c_str(), "utf-8");
  g_mime_message_set_message_id(msg.get(), out.message_id.c_str());
  GDateTime* date = g_date_time_new_from_unix_utc(reply.date_ms / 1000);
  g_mime_message_set_date(msg.get(), date);
  g_date_time_unref(date);
  if (!reply.in_reply_to.empty()) {
    g_mime_object_set_header(obj, "In-Reply-To", ("<" + reply.in_reply_to + ">").c_str(), nullptr);
  }
  std::vector<std::string> refs = reply.references;
  if (!reply.in_reply_to.empty() && (refs.empty() || refs.back() != reply.in_reply_to)) {
    refs.push_back(reply.in_reply_to);
  }
  if (!refs.empty()) {
    std::string value;
    for (const std::string& r : refs) value += (value.empty() ? "<" : " <") + r + ">";
    g_mime_object_set_header(obj, "References", value.c_str(), nullptr);
  }
  g_mime_object_set_header(obj, "Auto-Submitted", "no", nullptr);

  std::string plain = std::string(util::Trim(reply.text)) + "\n";
  if (!reply.satisfaction_url.empty()) {
    plain += "\n--\nVotre avis nous intéresse : " + reply.satisfaction_url + "\n";
  }
  GPtr<GMimeMultipart> alt(g_mime_multipart_new_with_subtype("alternative"));
  GPtr<GMimePart> text_part(NewTextPart("plain", plain));
  GPtr<GMimePart> html_part(
      NewTextPart("html", TextToHtml(util::Trim(reply.text), reply.satisfaction_url)));
  g_mime_multipart_add(alt.get(), GMIME_OBJECT(text_part.get()));
  g_mime_multipart_add(alt.get(), GMIME_OBJECT(html_part.get()));
  g_mime_message_set_mime_part(msg.get(), GMIME_OBJECT(alt.get()));

  GMimeFormatOptions* format = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(format, GMIME_NEWLINE_FORMAT_DOS);
  out.raw = internal::TakeGString(g_mime_object_to_string(obj, format));
  g_mime_format_options_free(format);
  return out;
}

}  // namespace plume::channels
