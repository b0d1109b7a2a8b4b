#!/usr/bin/env bash
# Fresh-machine check for dev/services: with PostgreSQL and Redis pointed at a port where nothing listens, the
# integration suites that need both still pass (on private instances), and nothing they started is left running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
STATE="$(mktemp -d /var/tmp/mobileplane-services-check-XXXXXX)"
chmod 755 "$STATE"
trap 'MOBILEPLANE_SERVICES_DIR="$STATE" bash dev/services/services.sh stop >/dev/null 2>&1 || true; rm -rf "$STATE"' EXIT
DEAD_PORT=1 # privileged and unused: nothing answers there
export MOBILEPLANE_SERVICES_DIR="$STATE"
export MOBILEPLANE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$DEAD_PORT/test"
export MOBILEPLANE_TEST_REDIS_URL="redis://127.0.0.1:$DEAD_PORT"
out="$STATE/run.log"
bash dev/services/services.sh run -- bash -c '
  case "$MOBILEPLANE_TEST_POSTGRES_URL$MOBILEPLANE_TEST_REDIS_URL" in *":'"$DEAD_PORT"'/"*|*":'"$DEAD_PORT"'") echo "still pointed at the dead port"; exit 1;; esac
  yarn vitest run --project integration runtime/test/integration/rate-limit.test.ts runtime/test/integration/documents-crud.test.ts
' 2>&1 | tee "$out"
grep -q "started a private PostgreSQL" "$out" || { echo "check: no private PostgreSQL was started"; exit 1; }
grep -q "started a private Redis" "$out" || { echo "check: no private Redis was started"; exit 1; }
for pidfile in "$STATE/redis.pid" "$STATE/postgres/postmaster.pid"; do
  if [ -f "$pidfile" ] && kill -0 "$(head -1 "$pidfile")" 2>/dev/null; then
    echo "check: $pidfile still runs after the run"
    exit 1
  fi
done
echo "check: integration suites passed on private PostgreSQL and Redis; nothing left running"
