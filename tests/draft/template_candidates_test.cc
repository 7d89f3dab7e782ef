// Sent replies made into réponse type candidates: the frame is removed and no citizen's data
// reaches the template (real pseudonymiser and name lists from resources/privacy).
#include "draft/template_candidates.h"

#include <gtest/gtest.h>

#include "draft/reply_templates.h"
#include "testing/test_util.h"

namespace plume::draft {
namespace {

const TemplateCandidateMaker& Maker() {
  static const TemplateCandidateMaker* maker = [] {
    auto m = TemplateCandidateMaker::Create(plume::testing::ResourceDir() / "privacy");
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(m).value().release() : nullptr;
  }();
  return *maker;
}

// A reply as an agent sends it: the embedded engine's frame around an edited body full of the
// citizen's data.
constexpr const char* kSentReply =
    "Bonjour Madame Martin,\n"
    "\n"
    "Vous nous avez écrit au sujet de : « Remboursement Claire Martin ». Nous vous remercions de "
    "votre message.\n"
    "\n"
    "Madame Martin, nous avons bien reçu votre dossier. Le remboursement sera versé sur le compte "
    "FR76 3000 6000 0112 3456 7890 189 indiqué dans votre demande.\n"
    "Nous vous contacterons au 06 12 34 56 78 ou à claire.martin@example.org si une pièce manque. "
    "Votre numéro de sécurité sociale 2 84 05 75 056 123 87 est bien enregistré.\n"
    "Vous pouvez aussi déposer vos justificatifs au 12 rue des Lilas, 69003 Lyon. Monsieur "
    "Bernard Lefèvre, votre conseiller, vous recevra.\n"
    "\n"
    "Vous pouvez effectuer cette démarche en ligne :\n"
    "- Mon compte : https://www.example.gouv.fr/compte\n"
    "\n"
    "Pour en savoir plus, vous pouvez consulter :\n"
    "- Remboursement : https://www.service-public.fr/particuliers/vosdroits/F1344\n"
    "\n"
    "Nous restons à votre disposition pour toute information complémentaire.\n"
    "\n"
    "Je vous prie d'agréer, Madame, l'expression de mes salutations distinguées.\n"
    "\n"
    "Jean Dupuis\n"
    "Préfecture du Rhône";

CandidateInput Input(std::string reply) {
  CandidateInput in;
  in.reply_text = std::move(reply);
  in.sender_name = "Mme Claire Martin";
  in.sender_email = "claire.martin@example.org";
  return in;
}

TEST(TemplateCandidateTest, NoCitizenDataReachesTheTemplate) {
  auto c = Maker().Make(Input(kSentReply));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string& body = c->body;
  for (const char* personal :
       {"Martin", "Claire", "FR76", "3000 6000", "06 12 34 56 78", "claire.martin", "example.org",
        "84 05 75", "Lilas", "69003", "Lefèvre", "Bernard", "Dupuis"}) {
    EXPECT_EQ(body.find(personal), std::string::npos) << personal << " in:\n" << body;
  }
  EXPECT_NE(body.find("{{civilite}} {{nom}}, nous avons bien reçu votre dossier."),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("sur le compte [IBAN] indiqué"), std::string::npos) << body;
  EXPECT_NE(body.find("au [téléphone] ou à [adresse électronique] si"), std::string::npos) << body;
  EXPECT_NE(body.find("au [adresse]."), std::string::npos) << body;
  EXPECT_NE(body.find("sociale [numéro de sécurité sociale] est"), std::string::npos) << body;
  // The frame is gone: greeting, subject, link lists, closing, signature.
  for (const char* frame :
       {"Bonjour", "Vous nous avez écrit", "Nous vous remercions", "Pour en savoir plus",
        "démarche en ligne", "https://", "Nous restons", "Je vous prie", "Préfecture du Rhône"}) {
    EXPECT_EQ(body.find(frame), std::string::npos) << frame << " in:\n" << body;
  }
  EXPECT_EQ(c->removed.size(), 7u);  // 2 names, IBAN, phone, e-mail, NIR, address
  EXPECT_TRUE(ValidateTemplateBody(body).ok());

  // The template renders with another citizen's slots.
  ReplyTemplate t;
  t.id = "candidate";
  t.body = body;
  ReplySlots slots;
  slots.civilite = "Monsieur";
  slots.nom = "Durand";
  auto rendered = TemplateLibrary::Render(t, slots);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_EQ(rendered->rfind("Monsieur Durand, nous avons bien reçu votre dossier.", 0), 0u)
      << *rendered;
}

TEST(TemplateCandidateTest, PublicValuesOfTheCitedFichesStay) {
  KnowledgeDocument doc;
  doc.id = "particuliers/F0000";
  doc.title = "Une démarche";
  doc.introduction =
      "Contactez le service au 01 40 56 60 00 ou à contact@service-public.fr. Le guichet est au "
      "20 avenue de Ségur, 75007 Paris.";
  CandidateInput in = Input(
      "Bonjour,\n\nVous pouvez appeler le 01 40 56 60 00, écrire à contact@service-public.fr ou "
      "vous rendre au 20 avenue de Ségur, 75007 Paris. Ne nous écrivez pas au 06 11 22 33 44.\n\n"
      "Cordialement,\nL'équipe");
  in.sources.push_back(doc);
  auto c = Maker().Make(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_NE(c->body.find("01 40 56 60 00"), std::string::npos) << c->body;
  EXPECT_NE(c->body.find("contact@service-public.fr"), std::string::npos) << c->body;
  EXPECT_NE(c->body.find("20 avenue de Ségur, 75007 Paris"), std::string::npos) << c->body;
  EXPECT_EQ(c->body.find("06 11 22 33 44"), std::string::npos) << c->body;
  EXPECT_EQ(c->body.find("Cordialement"), std::string::npos) << c->body;
  EXPECT_EQ(c->body.find("L'équipe"), std::string::npos) << c->body;
}

TEST(TemplateCandidateTest, TheSenderNameIsNeverKeptEvenWhenAFicheHasIt) {
  KnowledgeDocument doc;
  doc.id = "particuliers/F0001";
  doc.introduction = "Le bureau Martin instruit les demandes.";
  CandidateInput in = Input("Bonjour,\n\nMartin, votre demande est complète.\n\nCordialement");
  in.sources.push_back(doc);
  auto c = Maker().Make(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->body.find("Martin"), std::string::npos) << c->body;
}

// A body a supervisor edited: the same detector and public values; slots never count.
TEST(TemplateCandidateTest, FindPersonalDataInAnEditedBody) {
  KnowledgeDocument doc;
  doc.id = "particuliers/F0000";
  doc.introduction = "Contactez le service au 01 40 56 60 00 ou à contact@service-public.fr.";
  CandidateInput context;
  context.sources.push_back(doc);
  context.sender_name = "Mme Claire Martin";
  const std::string clean =
      "{{civilite}} {{{nom}}}, appelez le 01 40 56 60 00 ou écrivez à contact@service-public.fr "
      "pour une réponse claire.{{#extraits}} {{titre}} : {{texte}}{{/extraits}} Joignez "
      "[justificatif de domicile].";
  auto none = Maker().FindPersonalData(clean, context);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty()) << none->front().text;

  auto found = Maker().FindPersonalData(
      "Madame Durand, rappelez le 06 11 22 33 44 ou écrivez à j.durand@example.org ; le dossier "
      "de Claire est complet.",
      context);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  std::vector<std::string> kinds;
  for (const auto& f : *found) kinds.emplace_back(privacy::PiiTypeName(f.type));
  EXPECT_EQ(kinds, (std::vector<std::string>{"name", "phone", "email", "name"}));
  EXPECT_EQ(PersonalDataRefusal(*found),
            "La réponse type contient des données personnelles : nom de personne, téléphone, "
            "adresse e-mail. Remplacez-les par des champs ({{civilite}}, {{nom}}) ou par des "
            "éléments entre crochets à compléter, par exemple [téléphone].");
  // Without the fiche, its phone is someone's phone like any other.
  context.sources.clear();
  auto unsourced = Maker().FindPersonalData(clean, context);
  ASSERT_TRUE(unsourced.ok());
  ASSERT_FALSE(unsourced->empty());
  EXPECT_EQ(privacy::PiiTypeName(unsourced->front().type), "phone");
  EXPECT_EQ(Maker().FindPersonalData("\xC3\x28", context).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TemplateCandidateTest, MustacheTypedByTheAgentStaysLiteral) {
  auto c =
      Maker().Make(Input("Bonjour,\n\nLe champ {{#nom}} du formulaire {{/x}} est facultatif."));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(ValidateTemplateBody(c->body).ok()) << c->body;
  ReplyTemplate t;
  t.id = "t";
  t.body = c->body;
  auto rendered = TemplateLibrary::Render(t, ReplySlots{});
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_NE(rendered->find("{ {#nom} }"), std::string::npos) << *rendered;
}

TEST(TemplateCandidateTest, FrameOnlyOrInvalidRepliesAreRefused) {
  auto frame_only = Maker().Make(
      Input("Bonjour Madame Martin,\n\nNous restons à votre disposition.\n\nCordialement,\nJean"));
  EXPECT_EQ(frame_only.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Maker().Make(Input("Bonjour,\n\nTexte \xC3\x28 invalide.")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Maker().Make(Input("")).status().code(), StatusCode::kInvalidArgument);
  std::string huge = "Bonjour,\n\n";
  while (huge.size() <= kMaxTemplateBodyBytes + 100) huge += "Une phrase de la réponse. ";
  EXPECT_EQ(Maker().Make(Input(huge)).status().code(), StatusCode::kInvalidArgument);
}

TEST(TemplateCandidateTest, StripReplyFrameKeepsTheBodyOnly) {
  EXPECT_EQ(StripReplyFrame("Bonjour,\n\nLigne un.\n\nLigne deux.\n\nCordialement,\nAgent"),
            "Ligne un.\n\nLigne deux.");
  // Text after the frame's thanks on the same line is the agent's: kept.
  EXPECT_EQ(StripReplyFrame("Madame, Monsieur,\nNous vous remercions de votre message. Voici la "
                            "réponse.\nBien à vous"),
            "Voici la réponse.");
  // No frame at all: unchanged.
  EXPECT_EQ(StripReplyFrame("Le dossier est complet."), "Le dossier est complet.");
}

TEST(TemplateCandidateTest, ValidateTemplateBody) {
  EXPECT_TRUE(ValidateTemplateBody("Bonjour {{civilite}} {{nom}}, {{#extraits}}{{titre}}"
                                   "{{/extraits}}")
                  .ok());
  EXPECT_EQ(ValidateTemplateBody("{{#extraits}} jamais fermé").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateTemplateBody("{{nom").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateTemplateBody("  \n").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateTemplateBody("\xFF\xFE").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateTemplateBody(std::string(kMaxTemplateBodyBytes + 1, 'a')).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace plume::draft
