#!/usr/bin/env bash
# Several nodes (issue #8): read throughput of one `plume serve` node against two nodes behind
# nginx, on loopback, sharing one PostgreSQL database with the same seeded data.
#
# Runs, each with wrk (THREADS, CONNECTIONS, DURATION) on GET /api/messages/{id} and
# GET /api/messages?limit=50 with a bearer token:
#   direct-1   node 1 alone, no proxy
#   nginx-1    nginx -> node 1            (the baseline for the proxy's own cost)
#   nginx-2    nginx -> node 1 + node 2   (round robin, keep-alive upstream connections)
# and prints req/s and p99 with the ratios nginx-2 / nginx-1 and nginx-2 / direct-1. Everything
# (PostgreSQL, nginx, both nodes, wrk) shares this machine's cores: say how many with the figures.
#
# Usage: bench/multinode/run.sh [PLUME_BINARY]      (default build/release/apps/plume)
# Env: PLUME_BENCH_PG_URL (a server to create a throw-away database on; default: start one with
#      scripts/pg-test-server.sh), MESSAGES (20000), DURATION (10s), THREADS (2), CONNECTIONS (32)
set -euo pipefail
cd "$(dirname "$0")/../.."
PLUME=$(realpath "${1:-build/release/apps/plume}")
MESSAGES=${MESSAGES:-20000}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
NGINX=${NGINX:-/usr/sbin/nginx}
for tool in wrk psql curl python3 "$NGINX"; do
  command -v "$tool" >/dev/null || { echo "$tool requis (scripts/install-deps.sh)" >&2; exit 1; }
done

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
PG_STATE="$WORK/pg.env"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "${DB:-}" ] && [ -n "${ADMIN_URL:-}" ]; then
    psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  fi
  if [ -f "$PG_STATE" ]; then PLUME_PG_TEST_STATE="$PG_STATE" scripts/pg-test-server.sh stop; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

ADMIN_URL=${PLUME_BENCH_PG_URL:-}
if [ -z "$ADMIN_URL" ]; then
  eval "$(PLUME_PG_TEST_STATE="$PG_STATE" scripts/pg-test-server.sh start)"
  ADMIN_URL=$PLUME_TEST_PG_URL
fi
DB=plume_bench_$$
psql -q "$ADMIN_URL" -c "CREATE DATABASE $DB" >/dev/null
URL="${ADMIN_URL%/*}/$DB"
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Same data for every run: demo accounts and messages, then MESSAGES more in three services.
"$PLUME" --data-dir "$WORK/node1" --database-url "$URL" --quiet demo seed >/dev/null
psql -q "$URL" >/dev/null <<SQL
INSERT INTO messages (service, channel, sender_name, sender_email, subject, body, received_at,
                      status, assigned_agent, intent)
SELECT CASE i % 3 WHEN 0 THEN 'prefecture-69' WHEN 1 THEN 'caf-75' ELSE 'mairie-lyon' END,
       'web_form', 'Usager ' || i, 'usager' || i || '@demo.invalid', '[DÉMO] Demande ' || i,
       'Bonjour, je souhaite renouveler ma carte d''identité. Quels documents fournir ? ' || i,
       1700000000000 + i * 60000,
       CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'in_progress' WHEN 2 THEN 'answered' ELSE 'closed' END,
       '', ''
FROM generate_series(1, $MESSAGES) AS i;
ANALYZE;
SQL
TOKEN=$("$PLUME" --data-dir "$WORK/node1" --database-url "$URL" token create \
          --service prefecture-69 --label bench 2>/dev/null)
ID=$(psql -qtA "$URL" -c "SELECT id FROM messages WHERE service = 'prefecture-69' ORDER BY id
                          LIMIT 1 OFFSET $((MESSAGES / 6))")
TOTAL=$(psql -qtA "$URL" -c "SELECT COUNT(*) FROM messages")

wait_http() {
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$1/api/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "pas de réponse sur le port $1" >&2; return 1
}
start_node() {  # data dir, port
  "$PLUME" --data-dir "$1" --database-url "$URL" --quiet serve --port "$2" --web /nonexistent \
    --behind-proxy >"$1.log" 2>&1 &
  PIDS+=($!)
  wait_http "$2"
}
NGINX_PID=""
start_nginx() {  # port, backend ports...
  local port=$1; shift
  local p="$WORK/nginx"
  mkdir -p "$p/logs"
  {
    echo "daemon off; master_process off; worker_processes 1; pid $p/nginx.pid;"
    echo "error_log $p/logs/error.log warn; events { worker_connections 1024; }"
    echo "http { access_log off; client_body_temp_path $p/body; proxy_temp_path $p/proxy;"
    echo "  fastcgi_temp_path $p/fcgi; uwsgi_temp_path $p/uwsgi; scgi_temp_path $p/scgi;"
    echo "  upstream plume {"
    for b in "$@"; do echo "    server 127.0.0.1:$b;"; done
    echo "    keepalive 64; }"
    echo "  server { listen 127.0.0.1:$port; location / { proxy_pass http://plume;"
    echo "    proxy_http_version 1.1; proxy_set_header Connection \"\";"
    echo "    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }"
  } >"$p/nginx.conf"
  "$NGINX" -p "$p/" -c "$p/nginx.conf" -e "$p/logs/error.log" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_http "$port"
}
stop_nginx() {
  kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
}

P1=$(free_port); P2=$(free_port); PN=$(free_port)
start_node "$WORK/node1" "$P1"
start_node "$WORK/node2" "$P2"
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$P1/api/messages/$ID" >/dev/null

echo "$(nproc) cores; PostgreSQL $(psql -qtA "$URL" -c 'SHOW server_version'); $TOTAL messages;" \
     "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on 127.0.0.1 (server, proxy and wrk share the cores)"
RESULTS="$WORK/results"
: >"$RESULTS"
measure() {  # setup label, route label, port, path
  local out rps p99 errors
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
            -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$3$4")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf '%-9s %-5s %10s req/s  p99 %9s %s\n' "$1" "$2" "$rps" "$p99" "$errors"
  echo "$1 $2 $rps $p99" >>"$RESULTS"
}
run_setup() {  # label, port
  measure "$1" get "$2" "/api/messages/$ID"
  measure "$1" list "$2" "/api/messages?limit=50"
}
run_setup direct-1 "$P1"
start_nginx "$PN" "$P1"
run_setup nginx-1 "$PN"
stop_nginx
start_nginx "$PN" "$P1" "$P2"
run_setup nginx-2 "$PN"
stop_nginx

# p99 as printed by wrk (us, ms or s) in milliseconds.
python3 - "$RESULTS" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    setup, route, rps, p99 = line.split()
    unit = next(u for u in ("us", "ms", "s") if p99.endswith(u))
    ms = float(p99[: -len(unit)]) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    rows[(setup, route)] = (float(rps), ms)
for route in ("get", "list"):
    n2, n1, d1 = rows[("nginx-2", route)], rows[("nginx-1", route)], rows[("direct-1", route)]
    print(f"ratio {route:<5} req/s nginx-2/nginx-1 {n2[0] / n1[0]:.2f}  nginx-2/direct-1 "
          f"{n2[0] / d1[0]:.2f}   p99 nginx-2/nginx-1 {n2[1] / n1[1]:.2f}  "
          f"nginx-2/direct-1 {n2[1] / d1[1]:.2f}")
PY
