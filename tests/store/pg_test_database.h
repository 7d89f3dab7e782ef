// A throw-away PostgreSQL database for one test binary run, on the server named by the
// PLUME_TEST_PG_URL environment variable (scripts/test.sh starts one: scripts/pg-test-server.sh).
//
// The database (random name) is created on first use and dropped when the test program ends.
// Each NewSchema() call returns the connection string of a fresh, empty schema in it, so every test
// is isolated and the suite can be run again and again.
#pragma once

#include <string>

#include "plume/status.h"

namespace plume::testing {

// PLUME_TEST_PG_URL, or "" when unset.
std::string PgTestUrl();

// True when the environment says this is a CI run (CI=true or CI=1).
bool InCi();

// Connection string (key=value form) of a new empty schema in the test database; `application_name`
// is set when non-empty. Errors: kUnavailable when the server cannot be reached.
Result<std::string> NewPgTestSchema(const std::string& application_name = "");

// The same as a postgresql:// URL (for code that selects the engine by URL scheme).
Result<std::string> NewPgTestSchemaUrl();

// Runs one SQL statement without parameters on `conninfo` (test set-up and inspection only).
// Returns the first column of the first row ("" when none).
Result<std::string> PgQueryValue(const std::string& conninfo, const std::string& sql);

}  // namespace plume::testing

// In a test body or SetUp: skips the test with a clear message when no PostgreSQL server was given,
// except under CI where a missing server is a failure.
#define PLUME_REQUIRE_PG()                                                                    \
  do {                                                                                        \
    if (::plume::testing::PgTestUrl().empty()) {                                              \
      if (::plume::testing::InCi()) {                                                         \
        FAIL() << "PLUME_TEST_PG_URL is not set while CI=true: start a server with "          \
                  "scripts/pg-test-server.sh (scripts/test.sh does it)";                      \
      }                                                                                       \
      GTEST_SKIP()                                                                            \
          << "PLUME_TEST_PG_URL not set: PostgreSQL tests skipped (run "                      \
             "scripts/test.sh, or: env=$(scripts/pg-test-server.sh start) && eval \"$env\")"; \
    }                                                                                         \
  } while (false)
