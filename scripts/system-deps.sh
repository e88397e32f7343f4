#!/usr/bin/env bash
# Debian packages the test suite and benchmarks use: Chromium (browser tests, driven by Playwright
# with executable_path=/usr/bin/chromium; never `playwright install`), wrk (API load test),
# poppler-utils (PDF to PNG) and PostgreSQL (the second database). Installs only what is missing;
# without root or apt it says what is missing and the tests that need it skip with a reason.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: missing ${missing[*]} (install them with apt-get); the tests that need them will skip" >&2
fi
