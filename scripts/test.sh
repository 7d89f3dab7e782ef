#!/usr/bin/env bash
# Runs every test: installs dependencies, builds the dev preset (Debug, ASan/UBSan, -Werror)
# and runs the whole CTest suite against real SQLite files, real Xapian indexes and the real
# fiches. Test artefacts go to build/dev/Testing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset ci-dev >/dev/null
cmake --build --preset ci-dev
ctest --preset ci-dev -j "$(nproc)"
