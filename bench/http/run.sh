#!/usr/bin/env bash
# HTTP API throughput on loopback: seeds a store with 100k messages (3 services), creates an API
# token, starts `plume serve` and runs wrk against GET /api/messages (full, and the inbox's
# view=summary) and GET /api/messages/{id} with a bearer token. With a second binary (an older build), each route is measured on both, one
# after the other on the same store, and the figures are given as ratios new/old.
#
# Usage: bench/http/run.sh [PLUME_BINARY [BASELINE_BINARY]]
#   PLUME_BINARY     default build/release/apps/plume
#   BASELINE_BINARY  optional; must read the same schema version
# Env: MESSAGES (100000), DURATION (10s), THREADS (2), CONNECTIONS (32), PORT (18480)
set -euo pipefail
cd "$(dirname "$0")/../.."
PLUME=${1:-build/release/apps/plume}
BASELINE=${2:-}
MESSAGES=${MESSAGES:-100000}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18480}

if ! command -v wrk >/dev/null 2>&1; then
  echo "Installation de wrk (apt)…"
  SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get install -y -q wrk
fi
command -v sqlite3 >/dev/null || { echo "sqlite3 requis" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$PLUME" --data-dir "$WORK" --quiet demo seed >/dev/null
# The knowledge base goes into the bench store: a node keeps its local index in step with its
# store (documents absent from the store are removed from the index), so an index built from
# another store cannot be borrowed.
"$PLUME" --data-dir "$WORK" --quiet kb ingest >/dev/null
sqlite3 "$WORK/plume.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $MESSAGES)
INSERT INTO messages (service, channel, sender_name, sender_email, subject, body, received_at,
                      status, assigned_agent, intent)
SELECT CASE i % 3 WHEN 0 THEN 'prefecture-69' WHEN 1 THEN 'caf-75' ELSE 'mairie-lyon' END,
       'web_form', 'Usager ' || i, 'usager' || i || '@demo.invalid', '[DÉMO] Demande ' || i,
       'Bonjour, je souhaite renouveler ma carte d''identité. Quels documents fournir ? ' || i,
       1700000000000 + i * 60000,
       CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress' WHEN 2 THEN 'answered' ELSE 'closed' END,
       '', ''
FROM n;
SQL
TOKEN=$("$PLUME" --data-dir "$WORK" token create --service prefecture-69 --label bench 2>/dev/null)
ID=$(sqlite3 "$WORK/plume.db" "SELECT id FROM messages WHERE service = 'prefecture-69' ORDER BY id LIMIT 1 OFFSET $((MESSAGES / 6))")
TOTAL=$(sqlite3 "$WORK/plume.db" "SELECT COUNT(*) FROM messages")

start_server() {
  "$1" --data-dir "$WORK" serve --port "$PORT" --web /nonexistent >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/messages/$ID" >/dev/null
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

echo "store: $TOTAL messages; wrk -t$THREADS -c$CONNECTIONS -d$DURATION on 127.0.0.1"
run() {
  local label=$1 path=$2
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
            -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
  printf '%-34s %10s req/s  p50 %8s  p99 %8s %s\n' "$label" "$rps" "$p50" "$p99" "$errors"
  echo "$rps"  > "$WORK/rps-$label"
}
BINARIES=("$PLUME")
if [ -n "$BASELINE" ]; then BINARIES=("$BASELINE" "$PLUME"); fi
for route in "health /api/health" "list /api/messages?limit=50" \
             "list_summary /api/messages?view=summary&limit=50" \
             "list_status /api/messages?status=answered&limit=50" "get /api/messages/$ID"; do
  read -r label path <<<"$route"
  for bin in "${BINARIES[@]}"; do
    tag=new; [ "$bin" = "$BASELINE" ] && [ -n "$BASELINE" ] && tag=old
    start_server "$bin"
    run "$label-$tag" "$path"
    stop_server
  done
  if [ -n "$BASELINE" ]; then
    awk -v a="$(cat "$WORK/rps-$label-new")" -v b="$(cat "$WORK/rps-$label-old")" -v l="$label" \
      'BEGIN { printf "ratio %-12s new/old %.2f\n", l, a / b }'
  fi
done
