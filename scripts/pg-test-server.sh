#!/usr/bin/env bash
# A throwaway PostgreSQL 15 on 127.0.0.1 for the test suite (never for real data: fsync is off).
#
#   scripts/pg-test-server.sh start            # init (first time) + start; prints the database URL
#   eval "$(scripts/pg-test-server.sh start --export)"   # ... and export TWITCHCHECK_TEST_POSTGRES_URL
#   scripts/pg-test-server.sh url              # print the URL
#   scripts/pg-test-server.sh stop             # stop it (the data folder stays; `destroy` removes it)
#
# Settings: TWITCHCHECK_PG_DIR (default /tmp/twitchcheck-pg), TWITCHCHECK_PG_PORT (default 55432).
# As root, the server runs as the `postgres` user (initdb refuses root); otherwise as yourself.
# If no PostgreSQL binaries are found and we are root on Debian/Ubuntu, `apt-get install -y postgresql`.
set -euo pipefail

ROOT_DIR="${TWITCHCHECK_PG_DIR:-/tmp/twitchcheck-pg}"
PORT="${TWITCHCHECK_PG_PORT:-55432}"
DB="${TWITCHCHECK_PG_DB:-twitchcheck_test}"
DATA="$ROOT_DIR/data"
SOCK="$ROOT_DIR/sock"
LOG="$ROOT_DIR/server.log"
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"

find_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir; return 0
  fi
  return 1
}

BIN="$(find_bindir || true)"
if [[ -z "$BIN" && "${1:-}" == start && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "pg-test-server: installing postgresql with apt-get" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 || {
    apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; }
  BIN="$(find_bindir || true)"
fi

as_owner() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

need_bin() {
  [[ -n "$BIN" ]] || { echo "pg-test-server: no PostgreSQL binaries found (apt-get install -y postgresql)" >&2; exit 3; }
}

running() {
  [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  need_bin
  mkdir -p "$ROOT_DIR" "$SOCK"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$ROOT_DIR" "$SOCK"; fi
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale >"$ROOT_DIR/initdb.log" 2>&1 || {
      cat "$ROOT_DIR/initdb.log" >&2; exit 1; }
  fi
  if ! running; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >&2 || { tail -n 20 "$LOG" >&2; exit 1; }
  fi
  if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" \
      | grep -q 1; then
    as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE $DB" >&2
  fi
}

stop() {
  if [[ -n "$BIN" ]] && running; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2; fi
}

case "${1:-}" in
  start)
    start
    if [[ "${2:-}" == --export ]]; then echo "export TWITCHCHECK_TEST_POSTGRES_URL=$URL"; else echo "$URL"; fi
    ;;
  stop) stop ;;
  destroy) stop; rm -rf "$ROOT_DIR" ;;
  url) echo "$URL" ;;
  status) if running; then echo "running: $URL"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start [--export] | stop | destroy | url | status" >&2; exit 2 ;;
esac
