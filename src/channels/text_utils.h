// Text clean-up for mail content: charset conversion to UTF-8, quoted-history trimming, HTML to
// text and header-safe strings. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace plume::channels {

// Copies `text`, replacing each invalid UTF-8 sequence (including NUL bytes) by U+FFFD. The
// result always satisfies util::IsValidUtf8.
std::string SanitizeUtf8(std::string_view text);

// Converts `bytes` declared in `charset` (IANA name, any case; empty means us-ascii/UTF-8) to
// valid UTF-8. Undecodable bytes become U+FFFD. An unknown charset is read as UTF-8 when the
// bytes are valid UTF-8, else as windows-1252 (the usual mislabelled French mail); *lossy (may be
// null) is set when bytes were replaced or the charset was unknown.
std::string ToUtf8(std::string_view bytes, std::string_view charset, bool* lossy);

// Removes the quoted history from a citizen's reply: lines starting with '>', and everything from
// the first reply header ("Le ... a écrit :", "On ... wrote:", "-----Message d'origine-----",
// "-----Original Message-----", Outlook "De : ... Envoyé : ..." blocks). Trailing blank lines are
// dropped. Returns the text unchanged (but trimmed) when nothing is quoted.
std::string TrimQuotedHistory(std::string_view text);

// Plain text of an e-mail HTML body: <head>, <style>, <script> and comments dropped, then
// kb::HtmlToText. Input must be valid UTF-8 (output is then valid UTF-8).
std::string MailHtmlToText(std::string_view html);

// A value safe in one header line: CR, LF, NUL and other C0 controls (tab becomes a space) are
// removed, white space collapsed, invalid UTF-8 replaced. Prevents header injection.
std::string HeaderSafe(std::string_view value);

}  // namespace plume::channels
