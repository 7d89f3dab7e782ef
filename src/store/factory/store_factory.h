// OpenStore: the Store named by configuration (--database-url / PLUME_DATABASE_URL).
//
// "postgresql://..." and "postgres://..." URLs open a PostgresStore; anything else is a path to a
// SQLite file (or ":memory:") and opens a SqliteStore. Errors: those of PostgresStore::Open and
// SqliteStore::Open (kUnavailable, kInvalidArgument, kDataLoss, kFailedPrecondition).
#pragma once

#include <memory>
#include <string>

#include "plume/store.h"

namespace plume {

// True for the URL schemes that name a PostgreSQL database.
bool IsPostgresUrl(const std::string& url_or_path);

Result<std::unique_ptr<Store>> OpenStore(const std::string& url_or_path);

}  // namespace plume
