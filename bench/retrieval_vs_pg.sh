#!/usr/bin/env bash
# Retrieval quality and latency: Plume (Xapian BM25) against PostgreSQL full-text search on the
# same fiches and queries, in one run. Starts a throw-away PostgreSQL 15 on loopback as the
# unprivileged `postgres` user, and stops it at the end.
#
# Usage: bench/retrieval_vs_pg.sh [PLUME_BIN] [DATA_DIR] [JSON_OUT]
#   PLUME_BIN  default build/release/apps/plume
#   DATA_DIR   Plume data folder with an ingested knowledge base (default var)
set -euo pipefail
cd "$(dirname "$0")/.."
PLUME_BIN=${1:-build/release/apps/plume}
DATA_DIR=${2:-var}
JSON_OUT=${3:-build/retrieval-eval.json}
QUERIES=${QUERIES:-../shared/data/cdtn-queries-dev.json}
PG_BIN=/usr/lib/postgresql/15/bin

[ -x "$PLUME_BIN" ] || { echo "plume binary not found: $PLUME_BIN (build the release preset)" >&2; exit 2; }
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL 15 server not installed (apt-get install postgresql-15)" >&2; exit 2; }

PGDIR=$(mktemp -d /tmp/plume-pg.XXXXXX)
chmod 755 "$PGDIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; fi
cleanup() { as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
trap cleanup EXIT

as_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U plume --auth=trust --locale=C.UTF-8 -E UTF8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$PGDIR -c shared_buffers=256MB -c fsync=off" start >/dev/null
"$PLUME_BIN" --data-dir "$DATA_DIR" eval retrieval --queries "$QUERIES" \
  --baseline-pg "postgresql://plume@127.0.0.1:$PORT/postgres" --json-out "$JSON_OUT"
