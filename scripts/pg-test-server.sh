#!/usr/bin/env bash
# Throw-away PostgreSQL 15 server for the test suite: a fresh cluster in a temporary directory,
# owned by an unprivileged user, listening on 127.0.0.1 only, on a free port, trust auth.
#
# Usage:
#   env=$(scripts/pg-test-server.sh start) && eval "$env"   # prints `export PLUME_TEST_PG_URL=...`
#   scripts/pg-test-server.sh stop              # stops the server and removes its directory
#
# The state (data directory, port) is kept in $PLUME_PG_TEST_STATE (default
# build/pg-test-server.env) so `stop` finds the server `start` launched. When run as root, the
# server runs as the `postgres` user (Debian's postgresql package creates it), else as a
# `plume-ci` system user created on first use; otherwise as the current user.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
STATE=${PLUME_PG_TEST_STATE:-build/pg-test-server.env}

run_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

pick_user() {
  PG_USER=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    if id postgres >/dev/null 2>&1; then
      PG_USER=postgres
    else
      id plume-ci >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin plume-ci
      PG_USER=plume-ci
    fi
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start() {
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL 15 absent ($PG_BIN) : apt-get install postgresql-15" >&2; exit 2; }
  if [ -f "$STATE" ]; then stop; fi
  pick_user
  local dir port
  dir=$(mktemp -d /tmp/plume-pg-test.XXXXXX)
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown "$PG_USER" "$dir"; fi
  mkdir -p "$(dirname "$STATE")"
  printf 'PGDIR=%q\nPG_USER=%q\n' "$dir" "$PG_USER" >"$STATE"
  run_as "$PG_BIN/initdb" -D "$dir/data" -U plume --auth=trust --locale=C.UTF-8 -E UTF8 >/dev/null
  # The port is free when picked; another process may take it before the server binds: retry.
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if run_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -o \
      "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
      start >/dev/null; then
      printf 'PORT=%q\n' "$port" >>"$STATE"
      echo "export PLUME_TEST_PG_URL=postgresql://plume@127.0.0.1:$port/postgres"
      return 0
    fi
  done
  echo "échec du démarrage de PostgreSQL, journal : $dir/log" >&2
  cat "$dir/log" >&2 || true
  exit 1
}

stop() {
  [ -f "$STATE" ] || return 0
  local PGDIR="" PG_USER=""
  # shellcheck disable=SC1090
  . "$STATE"
  if [ -n "$PGDIR" ] && [ -d "$PGDIR/data" ]; then
    run_as "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  case "$PGDIR" in /tmp/plume-pg-test.*) rm -rf "$PGDIR" ;; esac
  rm -f "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage : $0 start|stop" >&2; exit 2 ;;
esac
