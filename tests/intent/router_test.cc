#include "intent/router.h"

#include <gtest/gtest.h>

#include "intent/taxonomy.h"
#include "testing/test_util.h"
#include "util/files.h"

namespace plume::intent {
namespace {

Taxonomy RealTaxonomy() {
  auto t = Taxonomy::Load(TaxonomyPath(plume::testing::ResourceDir()));
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

// Returns a fixed prediction per keyword, so routing is tested apart from the model.
class FakeClassifier final : public IntentClassifier {
 public:
  Result<IntentPrediction> Predict(std::string_view text, int /*k*/) const override {
    if (text.find('\xff') != std::string_view::npos) return InvalidArgument("pas UTF-8");
    IntentPrediction p;
    auto set = [&](const std::string& label, double c) {
      p.top = {{label, c}};
      p.confidence = c;
      p.to_qualify = c < 0.5;
      p.label = p.to_qualify ? std::string(kToQualifyIntent) : label;
    };
    if (text.find("titre de séjour") != std::string_view::npos)
      set("etranger", 0.9);
    else if (text.find("passeport") != std::string_view::npos)
      set("papiers-citoyennete", 0.55);
    else if (text.find("entreprise") != std::string_view::npos)
      set("entreprise", 0.8);
    else if (text.find("loyer") != std::string_view::npos)
      set("logement", 0.45);
    else
      set("loisirs", 0.95);
    return p;
  }
  std::string Name() const override { return "fake"; }
};

Router ExampleRouter(const FakeClassifier& fake) {
  auto file = plume::testing::ResourceDir() / "intent" / "routing.example.toml";
  auto config = LoadRoutingConfig(file, RealTaxonomy());
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return Router(std::move(config).value(), fake);
}

Message Msg(std::string service, std::string body) {
  Message m;
  m.service = std::move(service);
  m.body = std::move(body);
  return m;
}

TEST(RouterTest, ExampleFileRoutesPerService) {
  FakeClassifier fake;
  Router router = ExampleRouter(fake);
  auto d = router.Route(Msg("prefecture-69", "Mon titre de séjour expire"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->queue, "bureau-des-etrangers");
  EXPECT_EQ(d->intent, "etranger");
  EXPECT_EQ(d->rule, "services.prefecture-69.routes.etranger");
  // Global route applies inside a service without its own rule for the intent.
  EXPECT_EQ(router.Route(Msg("prefecture-69", "mon entreprise"))->queue, "pole-entreprises");
  // No rule: the service's default queue; unknown service: the global default.
  EXPECT_EQ(router.Route(Msg("prefecture-69", "bibliothèque"))->queue, "accueil-prefecture");
  EXPECT_EQ(router.Route(Msg("mairie-inconnue", "bibliothèque"))->queue, "accueil");
}

TEST(RouterTest, LowConfidenceGoesToTheQualificationQueue) {
  FakeClassifier fake;
  Router router = ExampleRouter(fake);
  // 0.55 passes the model threshold (0.5) but not the prefecture's min_confidence (0.6).
  auto d = router.Route(Msg("prefecture-69", "passeport"));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->to_qualify);
  EXPECT_EQ(d->intent, kToQualifyIntent);
  EXPECT_EQ(d->queue, "a-qualifier");  // inherited from the global section
  EXPECT_EQ(router.Route(Msg("caf-13", "passeport"))->queue, "accueil-caf");
  auto caf = router.Route(Msg("caf-13", "loyer impayé"));
  EXPECT_TRUE(caf->to_qualify);
  EXPECT_EQ(caf->queue, "caf-a-qualifier");
  // A text the classifier rejects is qualified by a human, with the reason.
  auto bad = router.Route(Msg("caf-13", "\xff"));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->queue, "caf-a-qualifier");
  EXPECT_EQ(bad->prediction.reason, "pas UTF-8");
}

Status ParseError(const std::string& toml) {
  auto r = ParseRoutingConfig(toml, "routing.toml", RealTaxonomy());
  return r.ok() ? Status::Ok() : r.status();
}

TEST(RouterTest, ErrorsNameTheLine) {
  Status s = ParseError("default_queue = \"accueil\"\n[routes]\netranger = \"b\"\nmeteo = \"x\"\n");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("routing.toml, ligne 4"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("intention inconnue « meteo »"), std::string::npos);

  s = ParseError("default_queue = \"accueil\"\n\n[services.x\n");
  EXPECT_NE(s.message().find("ligne 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("syntaxe TOML"), std::string::npos);

  s = ParseError("default_queue = \"a\"\n[services.x]\nmin_confidence = 2\n");
  EXPECT_NE(s.message().find("ligne 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("services.x.min_confidence"), std::string::npos);

  s = ParseError("default_queue = \"a\"\ndefault_queu = \"b\"\n");
  EXPECT_NE(s.message().find("ligne 2 : clé inconnue « default_queu »"), std::string::npos)
      << s.message();

  s = ParseError("default_queue = \"a\"\n[routes]\ntravail = \"\"\n");
  EXPECT_NE(s.message().find("ligne 3"), std::string::npos) << s.message();

  s = ParseError("qualification_queue = \"q\"\n");
  EXPECT_NE(s.message().find("« default_queue » est obligatoire"), std::string::npos);

  s = ParseError("default_queue = 3\n");
  EXPECT_NE(s.message().find("ligne 1"), std::string::npos) << s.message();

  EXPECT_EQ(ParseError("default_queue = \"\xff\"\n").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParseError("default_queue = \"a\"\n").ok());
}

TEST(RouterTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadRoutingConfig("/nonexistent/routing.toml", RealTaxonomy()).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace plume::intent
