#!/usr/bin/env bash
# Starts or stops the PostgreSQL and Redis the scale-out tests use (the same ones CI starts), and
# installs the nginx the nginx test runs.
#   scripts/services.sh up     # prints the `export …` lines to paste (or: eval "$(scripts/services.sh up)")
#   scripts/services.sh down   # stops what `up` started
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/.ci/services.sh"
state=/tmp/switchyard-services.current
case "${1:-}" in
  up)
    [ -f "$state" ] && { echo "already up (see $state); run '$0 down' first" >&2; exit 1; }
    ci_services_up >&2
    printf 'export SWITCHYARD_SERVICES_DIR=%q SWITCHYARD_TEST_POSTGRES_URL=%q SWITCHYARD_TEST_REDIS_URL=%q SWITCHYARD_NGINX=%q SWITCHYARD_REQUIRE_SERVICES=1\n' \
      "$SWITCHYARD_SERVICES_DIR" "$SWITCHYARD_TEST_POSTGRES_URL" "$SWITCHYARD_TEST_REDIS_URL" "$SWITCHYARD_NGINX" | tee "$state"
    ;;
  down)
    [ -f "$state" ] && eval "$(cat "$state")"
    ci_services_down
    rm -f "$state"
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
