#include "cli/common.h"

#include <filesystem>
#include <iostream>

#include "store/factory/store_factory.h"

namespace plume::cli {

void PrintError(const Status& s) { std::cerr << "erreur : " << s.ToString() << "\n"; }

int ReportFailure(const Status& s) {
  PrintError(s);
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1;
}

Result<std::unique_ptr<Store>> OpenConfiguredStore(const Context& ctx) {
  if (!ctx.database_url.empty()) return OpenStore(ctx.database_url);
  std::error_code ec;
  std::filesystem::create_directories(ctx.data_dir, ec);
  if (ec) {
    return Unavailable("impossible de créer le dossier de données " + ctx.data_dir + " : " +
                       ec.message());
  }
  return OpenStore(ctx.DbPath());
}

Result<retrieval::StopWords> LoadStopWords(const Context& ctx) {
  return retrieval::StopWords::Load(retrieval::StopWordsPath(ctx.resource_dir));
}

Result<std::unique_ptr<retrieval::Bm25Retriever>> OpenRetriever(const Context& ctx) {
  PLUME_ASSIGN_OR_RETURN(retrieval::StopWords sw, LoadStopWords(ctx));
  return retrieval::Bm25Retriever::Open(ctx.IndexDir(), std::move(sw));
}

}  // namespace plume::cli
