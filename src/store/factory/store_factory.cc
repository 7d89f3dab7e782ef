#include "store/factory/store_factory.h"

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace plume {

bool IsPostgresUrl(const std::string& url_or_path) {
  return url_or_path.starts_with("postgresql://") || url_or_path.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url_or_path) {
  if (IsPostgresUrl(url_or_path)) {
    PLUME_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> pg, PostgresStore::Open(url_or_path));
    return std::unique_ptr<Store>(std::move(pg));
  }
  PLUME_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> lite, SqliteStore::Open(url_or_path));
  return std::unique_ptr<Store>(std::move(lite));
}

}  // namespace plume
