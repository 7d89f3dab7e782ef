#include "intent/router.h"

#include <gtest/gtest.h>

#include "intent/routing_service.h"
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

// Stored rules (routing_service.h) ---------------------------------------------------------------

TEST(RoutingServiceTest, TomlRulesSurviveTheStoreFormat) {
  auto file = plume::testing::ResourceDir() / "intent" / "routing.example.toml";
  Taxonomy taxonomy = RealTaxonomy();
  auto config = LoadRoutingConfig(file, taxonomy);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  RoutingRuleSet rules = RuleSetFromConfig(*config);
  ASSERT_TRUE(ValidateRuleSet(rules, taxonomy).ok()) << ValidateRuleSet(rules, taxonomy).ToString();
  RoutingConfig back = ConfigFromRuleSet(rules);
  FakeClassifier fake;
  for (const auto& [service, body] : std::vector<std::pair<std::string, std::string>>{
           {"prefecture-69", "Mon titre de séjour expire"},
           {"prefecture-69", "mon entreprise"},
           {"prefecture-69", "passeport"},
           {"caf-13", "loyer"},
           {"mairie-inconnue", "bibliothèque"}}) {
    Message a = Msg(service, body), b = Msg(service, body);
    auto da = ClassifyAndRoute(&a, &fake, *config);
    auto db = ClassifyAndRoute(&b, &fake, back);
    ASSERT_TRUE(da.ok() && db.ok());
    EXPECT_EQ(a.queue, b.queue) << service << " " << body;
    EXPECT_EQ(a.intent, b.intent);
    EXPECT_FALSE(a.queue.empty());
  }
  // min_confidence 0.6 of prefecture-69 survives as 600 per mille: passeport (0.55) to qualify.
  Message m = Msg("prefecture-69", "passeport");
  ASSERT_TRUE(ClassifyAndRoute(&m, &fake, back).ok());
  EXPECT_EQ(m.intent, kToQualifyIntent);
}

TEST(RoutingServiceTest, FallbackQueuesWithoutRulesOrModel) {
  RoutingConfig empty = ConfigFromRuleSet({});
  Message m = Msg("mairie-x", "bibliothèque");
  ASSERT_TRUE(ClassifyAndRoute(&m, nullptr, empty).ok());
  EXPECT_EQ(m.queue, kFallbackQualificationQueue);
  EXPECT_EQ(m.intent, "");  // no model: left unclassified
  FakeClassifier fake;
  ASSERT_TRUE(ClassifyAndRoute(&m, &fake, empty).ok());
  EXPECT_EQ(m.intent, "loisirs");
  EXPECT_EQ(m.queue, kFallbackQueue);
  // A human-set intent follows the rules without a threshold.
  RoutingRuleSet rules;
  rules.services = {{"", "accueil", "tri", 900}};
  rules.rules = {{"mairie-x", "logement", "bureau-logement"}};
  EXPECT_EQ(QueueForIntent(ConfigFromRuleSet(rules), "mairie-x", "logement"), "bureau-logement");
  EXPECT_EQ(QueueForIntent(ConfigFromRuleSet(rules), "caf-13", "logement"), "accueil");
}

TEST(RoutingServiceTest, ValidationMessagesAreFrench) {
  Taxonomy taxonomy = RealTaxonomy();
  RoutingRuleSet ok;
  ok.services = {{"", "accueil", "", std::nullopt}};
  ok.rules = {{"", "etranger", "bureau"}, {"", "a-qualifier", "tri"}};
  EXPECT_TRUE(ValidateRuleSet(ok, taxonomy).ok());
  auto expect_error = [&](RoutingRuleSet r, const std::string& fragment) {
    Status s = ValidateRuleSet(r, taxonomy);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << fragment;
    EXPECT_NE(s.message().find(fragment), std::string::npos) << s.message();
  };
  RoutingRuleSet r = ok;
  r.rules[0].intent = "astrologie";
  expect_error(r, "Intention inconnue « astrologie »");
  r = ok;
  r.rules[0].queue = " ";
  expect_error(r, "est vide");
  r = ok;
  r.rules.push_back(ok.rules[0]);
  expect_error(r, "Deux règles");
  r = ok;
  r.services[0].default_queue = "";
  expect_error(r, "file par défaut commune");
  r = ok;
  r.services.push_back({"caf-13", "a", "", 1200});
  expect_error(r, "seuil");
  r = ok;
  r.rules[0].queue = std::string(101, 'q');
  expect_error(r, "au plus 100 octets");
  r = ok;
  r.rules[0].queue = "\xff";
  expect_error(r, "UTF-8");
}

}  // namespace
}  // namespace plume::intent
