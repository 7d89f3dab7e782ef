#include <gtest/gtest.h>

#include "draft/prompt_set.h"
#include "draft/reply_templates.h"
#include "testing/test_util.h"
#include "util/files.h"

namespace plume::draft {
namespace {

using plume::testing::ResourceDir;
using plume::testing::TempDir;

TEST(TemplateLibraryTest, LoadsTheShippedLibrary) {
  auto lib = TemplateLibrary::Load(ResourceDir() / "templates" / "replies");
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  EXPECT_FALSE(lib->version().empty());
  EXPECT_EQ(lib->frame().kind, TemplateKind::kFrame);
  ASSERT_NE(lib->clarification(), nullptr);
  ReplySlots slots;
  slots.appel = "Madame Martin";
  slots.civilite = "Madame";
  slots.corps = "Corps de la réponse & <détails>";
  slots.signature = "Agent";
  slots.sources.push_back({"Fiche", "https://www.service-public.fr/x", ""});
  auto text = TemplateLibrary::Render(lib->frame(), slots);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("Bonjour Madame Martin,"), std::string::npos);
  EXPECT_NE(text->find("Corps de la réponse & <détails>"), std::string::npos) << "no escaping";
  EXPECT_NE(text->find("Je vous prie d'agréer, Madame,"), std::string::npos);
  EXPECT_NE(text->find("- Fiche : https://www.service-public.fr/x"), std::string::npos);
}

TEST(TemplateLibraryTest, MatchesReplyTypesBySectionTitle) {
  auto lib = TemplateLibrary::Load(ResourceDir() / "templates" / "replies");
  ASSERT_TRUE(lib.ok());
  KnowledgeDocument doc;
  doc.fiche_id = "F0";
  doc.sections.push_back({{"Demande en France", "Pièces à fournir"}, "- Photo"});
  ASSERT_NE(lib->ForDocument(doc), nullptr);
  EXPECT_EQ(lib->ForDocument(doc)->id, "demarche");
  doc.sections = {{{"Cas général"}, "texte"}};
  EXPECT_EQ(lib->ForDocument(doc), nullptr);
}

class BadLibraryTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& content) {
    ASSERT_TRUE(util::WriteFileAtomic(dir_.path() / name, content).ok());
  }
  TempDir dir_;
};

TEST_F(BadLibraryTest, ReportsErrorsClearly) {
  EXPECT_EQ(TemplateLibrary::Load(dir_.path()).status().code(), StatusCode::kNotFound);

  Write("manifest.toml", "version = \"1\"\n[[template]\nid = \"x\"\n");
  Status s = TemplateLibrary::Load(dir_.path()).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("ligne 2"), std::string::npos) << s.message();

  Write("a.mustache", "Bonjour {{#appel}}");
  Write("manifest.toml",
        "version = \"1\"\n[[template]]\nid = \"cadre\"\nkind = \"cadre\"\nfile = \"a.mustache\"\n");
  s = TemplateLibrary::Load(dir_.path()).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("cadre"), std::string::npos) << s.message();

  Write("a.mustache", "Bonjour {{appel}}");
  Write("manifest.toml",
        "version = \"1\"\n[[template]]\nid = \"x\"\nkind = \"reponse_type\"\nfile = "
        "\"a.mustache\"\n");
  s = TemplateLibrary::Load(dir_.path()).status();
  EXPECT_NE(s.message().find("exactement un gabarit"), std::string::npos) << s.message();

  Write("manifest.toml",
        "version = \"1\"\n[[template]]\nid = \"cadre\"\nkind = \"cadre\"\nfile = \"a.mustache\"\n"
        "[[template]]\nid = \"cadre\"\nkind = \"reponse_type\"\nfile = \"a.mustache\"\n");
  s = TemplateLibrary::Load(dir_.path()).status();
  EXPECT_NE(s.message().find("en double"), std::string::npos) << s.message();

  Write("manifest.toml",
        "version = \"1\"\n[[template]]\nid = \"cadre\"\nkind = \"robot\"\nfile = \"a.mustache\"\n");
  s = TemplateLibrary::Load(dir_.path()).status();
  EXPECT_NE(s.message().find("type inconnu"), std::string::npos) << s.message();
}

TEST(PromptSetTest, LoadsVersionedPrompts) {
  auto p = PromptSet::Load(ResourceDir() / "prompts" / "reply-v1");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->version(), "reply-v1");
  EXPECT_NE(p->system().find("N'invente jamais"), std::string::npos);
  auto user =
      p->RenderUser("Bonjour [NOM_1]", {{"S1", "Titre", "https://u", "01/01/2020", "Extrait <b>"}});
  ASSERT_TRUE(user.ok());
  EXPECT_NE(user->find("[S1] Titre — https://u"), std::string::npos);
  EXPECT_NE(user->find("Extrait <b>"), std::string::npos);
  EXPECT_NE(user->find("Bonjour [NOM_1]"), std::string::npos);
  EXPECT_EQ(PromptSet::Load(ResourceDir() / "prompts" / "nope").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace plume::draft
