#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL on 127.0.0.1, so the suite covers both databases.
# The server is stopped afterwards whatever happens; without PostgreSQL the command runs on SQLite only.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if exports="$("$here/pg-test-server.sh" start --export 2>/dev/null)"; then
  eval "$exports"
  trap '"$here/pg-test-server.sh" stop >/dev/null 2>&1' EXIT
elif [ "${CI:-}" = true ]; then
  echo "with-postgres: no PostgreSQL server could be started, and CI must test both databases" >&2
  exit 1
else
  echo "with-postgres: no PostgreSQL server could be started; the PostgreSQL tests will skip" >&2
fi
"$@"
