#include "intent/model_registry.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>

#include "util/files.h"
#include "util/hash.h"

namespace plume::intent {

using json = nlohmann::json;

namespace {

std::string IsoUtc(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool ParseVersionName(const std::string& name, int64_t* out) {
  if (name.size() != 6) return false;
  auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), *out);
  return ec == std::errc() && p == name.data() + name.size() && *out > 0;
}

}  // namespace

std::string ManifestToJson(const ModelManifest& m) {
  json eval = json::parse(m.eval_json.empty() ? "{}" : m.eval_json, nullptr, false);
  if (eval.is_discarded()) eval = json::object();
  json j = {{"version", m.version},
            {"created_at", m.created_at},
            {"engine", m.engine},
            {"data_hash", m.data_hash},
            {"model_hash", m.model_hash},
            {"taxonomy_version", m.taxonomy_version},
            {"labels", m.labels},
            {"threshold", m.threshold},
            {"params",
             {{"dim", m.params.dim},
              {"epoch", m.params.epoch},
              {"lr", m.params.lr},
              {"word_ngrams", m.params.word_ngrams},
              {"minn", m.params.minn},
              {"maxn", m.params.maxn},
              {"min_count", m.params.min_count},
              {"bucket", m.params.bucket},
              {"seed", m.params.seed}}},
            {"training_splits", m.training_splits},
            {"train_examples", m.train_examples},
            {"eval", eval}};
  return j.dump(2) + "\n";
}

Result<ModelManifest> ManifestFromJson(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return DataLoss("manifest is not a JSON object");
  ModelManifest m;
  try {
    m.version = j.at("version").get<int64_t>();
    m.created_at = j.at("created_at").get<std::string>();
    m.engine = j.at("engine").get<std::string>();
    m.data_hash = j.at("data_hash").get<std::string>();
    m.model_hash = j.at("model_hash").get<std::string>();
    m.taxonomy_version = j.value("taxonomy_version", "");
    m.labels = j.at("labels").get<std::vector<std::string>>();
    m.threshold = j.at("threshold").get<double>();
    const json& p = j.at("params");
    m.params.dim = p.at("dim").get<int>();
    m.params.epoch = p.at("epoch").get<int>();
    m.params.lr = p.at("lr").get<double>();
    m.params.word_ngrams = p.at("word_ngrams").get<int>();
    m.params.minn = p.at("minn").get<int>();
    m.params.maxn = p.at("maxn").get<int>();
    m.params.min_count = p.at("min_count").get<int>();
    m.params.bucket = p.at("bucket").get<int>();
    m.params.seed = p.at("seed").get<int>();
    m.training_splits = j.value("training_splits", "");
    m.train_examples = j.value("train_examples", int64_t{0});
    m.eval_json = j.contains("eval") ? j["eval"].dump() : "{}";
  } catch (const json::exception& e) {
    return DataLoss(std::string("manifest: ") + e.what());
  }
  return m;
}

std::filesystem::path ModelRegistry::VersionDir(int64_t version) const {
  return root_ / "models" / fmt::format("{:06d}", version);
}

std::filesystem::path ModelRegistry::ModelPath(int64_t version) const {
  return VersionDir(version) / "model.bin";
}

Result<ModelManifest> ModelRegistry::Add(const std::filesystem::path& model_file,
                                         ModelManifest manifest, const Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(root_ / "models", ec);
  if (ec) return Unavailable("cannot create " + (root_ / "models").string() + ": " + ec.message());
  PLUME_ASSIGN_OR_RETURN(std::string bytes, util::ReadFile(model_file, 1u << 30));
  manifest.model_hash = util::ContentHash(bytes);
  manifest.created_at = IsoUtc(clock.NowMillis());
  PLUME_ASSIGN_OR_RETURN(auto existing, List());
  int64_t next = existing.empty() ? 1 : existing.back().version + 1;
  // Stage next to the final folder, then claim the version with an atomic rename.
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path staging =
      root_ / "models" /
      (".staging-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(staging, ec);
  std::filesystem::create_directories(staging, ec);
  if (ec) return Unavailable("cannot create " + staging.string() + ": " + ec.message());
  std::filesystem::copy_file(model_file, staging / "model.bin", ec);
  if (ec) return Unavailable("cannot copy the model: " + ec.message());
  for (int attempt = 0; attempt < 100; ++attempt, ++next) {
    manifest.version = next;
    PLUME_RETURN_IF_ERROR(
        util::WriteFileAtomic(staging / "manifest.json", ManifestToJson(manifest)));
    std::filesystem::rename(staging, VersionDir(next), ec);
    if (!ec) {
      std::filesystem::remove(model_file, ec);
      return manifest;
    }
  }
  std::filesystem::remove_all(staging, ec);
  return Unavailable("cannot allocate a model version under " + root_.string());
}

Result<std::vector<ModelManifest>> ModelRegistry::List() const {
  std::vector<ModelManifest> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(root_ / "models", ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(root_ / "models", ec)) {
    int64_t version = 0;
    if (!entry.is_directory() || !ParseVersionName(entry.path().filename().string(), &version)) {
      continue;
    }
    auto text = util::ReadFile(entry.path() / "manifest.json", 4u << 20);
    if (!text.ok()) return DataLoss("manifeste illisible : " + text.status().ToString());
    auto m = ManifestFromJson(*text);
    if (!m.ok()) return m.status().WithContext((entry.path() / "manifest.json").string());
    if (m->version != version) {
      return DataLoss((entry.path() / "manifest.json").string() + ": version " +
                      std::to_string(m->version) + " in folder " +
                      entry.path().filename().string());
    }
    out.push_back(std::move(m).value());
  }
  if (ec) return Unavailable("cannot list " + (root_ / "models").string() + ": " + ec.message());
  std::sort(out.begin(), out.end(),
            [](const ModelManifest& a, const ModelManifest& b) { return a.version < b.version; });
  return out;
}

int64_t ModelRegistry::Pinned() const {
  auto text = util::ReadFile(root_ / "ACTIVE", 64);
  if (!text.ok()) return 0;
  int64_t v = 0;
  std::string s = *text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : 0;
}

Result<ModelManifest> ModelRegistry::Get(int64_t version) const {
  PLUME_ASSIGN_OR_RETURN(auto all, List());
  for (auto& m : all) {
    if (m.version == version) return m;
  }
  return NotFound("aucun modèle d'intention en version " + std::to_string(version));
}

Result<ModelManifest> ModelRegistry::Active() const {
  PLUME_ASSIGN_OR_RETURN(auto all, List());
  if (all.empty()) {
    return FailedPrecondition("aucun modèle d'intention : lancez « plume intent train »");
  }
  int64_t pinned = Pinned();
  if (pinned == 0) return all.back();
  for (auto& m : all) {
    if (m.version == pinned) return m;
  }
  return NotFound("la version épinglée " + std::to_string(pinned) + " n'existe plus");
}

Status ModelRegistry::Use(int64_t version) {
  PLUME_ASSIGN_OR_RETURN(auto m, Get(version));
  return util::WriteFileAtomic(root_ / "ACTIVE", std::to_string(m.version) + "\n");
}

Status ModelRegistry::UseLatest() {
  std::error_code ec;
  std::filesystem::remove(root_ / "ACTIVE", ec);
  if (ec) return Unavailable("cannot remove " + (root_ / "ACTIVE").string() + ": " + ec.message());
  return Status::Ok();
}

Result<std::unique_ptr<FastTextClassifier>> ModelRegistry::Load(const ModelManifest& manifest,
                                                                double threshold) const {
  return FastTextClassifier::Load(
      ModelPath(manifest.version), threshold < 0 ? manifest.threshold : threshold,
      "fasttext v" + std::to_string(manifest.version), manifest.model_hash);
}

}  // namespace plume::intent
