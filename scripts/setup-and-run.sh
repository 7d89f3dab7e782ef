#!/usr/bin/env bash
# Sets up Plume on its embedded defaults and starts it:
# dependencies, release build, knowledge base (service-public.fr and Travail fiches) ingested
# into var/plume.db with its Xapian index, generated demo accounts and messages (passwords
# printed once), then the server on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
(cd web && npm run build --silent)  # web interface -> web/dist
cmake --preset release >/dev/null
cmake --build --preset release --target plume
./build/release/apps/plume --data-dir var kb ingest
./build/release/apps/plume --data-dir var intent train
./build/release/apps/plume --data-dir var privacy train-names  # var/models/privacy_names.bin
./build/release/apps/plume --data-dir var demo seed
# --feedback-service: the demo service of /widget/demo.html (the "Je donne mon avis" widget).
exec ./build/release/apps/plume --data-dir var serve --host 127.0.0.1 --port "${PLUME_PORT:-8080}" --web web/dist \
  --feedback-service mairie-lyon
