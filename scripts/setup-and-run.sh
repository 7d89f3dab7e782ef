#!/usr/bin/env bash
# Sets up Plume on its embedded defaults and starts it:
# dependencies, release build, knowledge base (service-public.fr and Travail fiches) ingested
# into var/plume.db with its Xapian index, then the server on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target plume
./build/release/apps/plume --data-dir var kb ingest
exec ./build/release/apps/plume --data-dir var serve --host 127.0.0.1 --port "${PLUME_PORT:-8080}"
