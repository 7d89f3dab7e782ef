// Réponses types made from replies agents sent (issue #3): turning a sent reply into a template
// candidate without any citizen's data, and checking template bodies written by people.
//
// TemplateCandidateMaker::Make, on the text of a sent reply:
//   1. strips the frame the embedded engine adds around every body (greeting line, "Vous nous
//      avez écrit au sujet de …", the online-services / "où s'adresser" / sources lists, the
//      closing formula and everything after it, i.e. the signature), so the candidate is the
//      body only; the frame (reply_templates.h, kind "cadre") is added again when it is used;
//   2. replaces personal data found by privacy::Pseudonymizer (with the message's sender name and
//      e-mail as hints): names become {{nom}}, a civility before a name or alone ("Madame")
//      becomes {{civilite}}; e-mails, phones, NIR, IBAN, addresses, dates of birth, tax and CAF
//      numbers, SIRET/SIREN, plates and other identifiers become a bracketed French placeholder
//      ("[téléphone]", "[IBAN]"…) for the agent to fill. Only values that appear in the cited
//      fiches (public information: a service's phone, an office's address) are kept, and never
//      a word of the sender's name;
//   3. escapes mustache tags the agent may have typed, so the text stays literal.
//
// TemplateCandidateMaker::FindPersonalData checks a body a supervisor wrote or edited with the
// same detector and the same public values, so an approved template holds no citizen's data.
//
// Ownership: the maker owns its pseudonymiser. Thread-safety: immutable after Create(); Make()
// may run concurrently.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plume/knowledge.h"
#include "plume/status.h"
#include "privacy/pseudonymizer.h"

namespace plume::draft {

// Largest template body accepted, in bytes.
inline constexpr size_t kMaxTemplateBodyBytes = 20 * 1024;
// Largest template title accepted, in bytes.
inline constexpr size_t kMaxTemplateTitleBytes = 200;

// Checks a template body: non-empty valid UTF-8, at most kMaxTemplateBodyBytes, valid mustache
// syntax. Errors: kInvalidArgument with a French message.
Status ValidateTemplateBody(std::string_view body);

struct CandidateInput {
  std::string reply_text;    // the reply sent to the citizen
  std::string sender_name;   // of the message answered, may be empty
  std::string sender_email;  // may be empty
  // The fiches the reply relied on: values that appear in them are public and may stay.
  std::vector<KnowledgeDocument> sources;
};

// Personal data left in a template body written by a person.
struct PersonalDataFound {
  privacy::PiiType type;
  std::string text;  // as written in the body
};

struct Candidate {
  std::string body;  // mustache, validated by ValidateTemplateBody
  // What was taken out, by privacy::PiiTypeName ("name", "phone"...), one entry per value.
  std::vector<std::string> removed;
};

class TemplateCandidateMaker {
 public:
  // `privacy_dir` holds the name lists (resources/privacy). Errors: those of
  // privacy::Pseudonymizer::Create.
  static Result<std::unique_ptr<TemplateCandidateMaker>> Create(
      const std::filesystem::path& privacy_dir);

  // Errors: kInvalidArgument for invalid UTF-8, a reply with no body once the frame is removed,
  // or a result over kMaxTemplateBodyBytes (French messages); kResourceExhausted for a text over
  // the pseudonymiser's limit.
  Result<Candidate> Make(const CandidateInput& input) const;

  // Personal data in `body`, a template body (mustache) written or edited by a person, in order.
  // Mustache tags ({{nom}}, {{#extraits}}...) and text looking like a placeholder do not count;
  // values that appear in `context.sources` are kept as in Make (never a word of the sender's
  // name); `context.sender_name` / `sender_email` (of the message the template came from, may
  // be empty) are hints; a name written all in lower case does not count (an ordinary word
  // matching a word of the sender's name); `context.reply_text` is ignored. Errors:
  // kInvalidArgument for invalid UTF-8, kResourceExhausted for a text over the pseudonymiser's
  // limit.
  Result<std::vector<PersonalDataFound>> FindPersonalData(std::string_view body,
                                                          const CandidateInput& context) const;

 private:
  explicit TemplateCandidateMaker(privacy::Pseudonymizer pseudonymizer);
  privacy::Pseudonymizer pseudonymizer_;
};

// French name of a kind of personal data, for people: "adresse e-mail", "téléphone"...
std::string_view FrenchPiiKind(privacy::PiiType type);

// The French refusal for a template body holding `found` (non-empty): names each kind once.
std::string PersonalDataRefusal(const std::vector<PersonalDataFound>& found);

// The reply's body without the frame (step 1 above), exposed for tests.
std::string StripReplyFrame(std::string_view reply);

}  // namespace plume::draft
