// Helpers shared by the `plume` subcommands.
#pragma once

#include <memory>

#include "cli/cli.h"
#include "plume/status.h"
#include "plume/store.h"
#include "retrieval/analyzer.h"
#include "retrieval/bm25_retriever.h"

namespace plume::cli {

// Prints "erreur : <code>: <message>" on stderr.
void PrintError(const Status& s);

// PrintError, then the exit code: 2 for bad input (invalid argument, unknown id or path),
// 1 for any other failure.
int ReportFailure(const Status& s);

// The store named by --database-url (PostgreSQL URL or SQLite path), else <data-dir>/plume.db
// (the data folder is created if needed). Errors: those of plume::OpenStore.
Result<std::unique_ptr<Store>> OpenConfiguredStore(const Context& ctx);

// The French stop words of ctx.resource_dir.
Result<retrieval::StopWords> LoadStopWords(const Context& ctx);

// The BM25 retriever over ctx.IndexDir(). Errors: those of LoadStopWords and
// Bm25Retriever::Open (kFailedPrecondition when no index was built).
Result<std::unique_ptr<retrieval::Bm25Retriever>> OpenRetriever(const Context& ctx);

}  // namespace plume::cli
