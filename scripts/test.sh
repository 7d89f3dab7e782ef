#!/usr/bin/env bash
# Runs every test: installs dependencies, builds the dev preset (Debug, ASan/UBSan, -Werror)
# and runs the whole CTest suite against real SQLite files, real Xapian indexes and the real
# fiches, and a throw-away PostgreSQL server (scripts/pg-test-server.sh; PLUME_TEST_PG_URL).
# Test artefacts go to build/dev/Testing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
(cd web && npm run build --silent)  # web/dist for the web_e2e test
cmake --preset ci-dev >/dev/null
cmake --build --preset ci-dev
# A throw-away PostgreSQL server for the PostgresStore tests (they fail without it when CI=true).
export PLUME_PG_TEST_STATE=build/dev/pg-test-server.env
trap 'scripts/pg-test-server.sh stop' EXIT
pg_env=$(scripts/pg-test-server.sh start)  # fails the script when the server cannot start
eval "$pg_env"
ctest --preset ci-dev -j "$(nproc)"
