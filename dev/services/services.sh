#!/usr/bin/env bash
# PostgreSQL and Redis for the integration tests and benchmarks: the ones that answer, otherwise private ones.
#
#   services.sh env            find or start both; print `export MOBILEPLANE_TEST_POSTGRES_URL=… MOBILEPLANE_TEST_REDIS_URL=…`
#   services.sh run -- CMD…    the same, run CMD with them, then stop what this call started (exit status of CMD)
#   services.sh stop           stop the private instances this script started (never the machine's)
#   services.sh status         what answers where
#
# A service "answers" when a real client gets through: PostgreSQL accepts the admin URL (trust auth, database
# `test`), Redis replies PONG. Candidates come from MOBILEPLANE_TEST_POSTGRES_URL / MOBILEPLANE_TEST_REDIS_URL
# (default: the machine's 127.0.0.1:5432 and :6379). When one does not answer, a private instance starts on a free
# loopback port: Debian's PostgreSQL (initdb + pg_ctl, data in the state directory, run as the `postgres` user when
# we are root, since PostgreSQL refuses to run as root) and Debian's redis-server (no persistence). Missing
# packages are installed with apt-get (postgresql, redis-server), which needs root.
# State (data, logs, pids, ports): $MOBILEPLANE_SERVICES_DIR, default /var/tmp/mobileplane-services-<uid>.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${MOBILEPLANE_SERVICES_DIR:-/var/tmp/mobileplane-services-$(id -u)}"
PG_URL="${MOBILEPLANE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
REDIS_URL="${MOBILEPLANE_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

log() { echo "services: $*" >&2; }
die() {
  log "$*"
  exit 1
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

postgres_answers() {
  (cd "$ROOT/runtime" && timeout 10 node -e "
    const pg = require('pg');
    const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
  " "$1") >/dev/null 2>&1
}

redis_answers() {
  local hostport="${1#redis://}"
  hostport="${hostport%%/*}"
  local host="${hostport%:*}" port="${hostport##*:}"
  timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q '+PONG'" 2>/dev/null
}

apt_install() {
  [ "$(id -u)" = 0 ] || die "$* is not installed and installing it needs root: apt-get install $*"
  log "installing $* (Debian packages)"
  if [ ! -f "$STATE/.apt-updated" ]; then
    apt-get update -qq >&2
    mkdir -p "$STATE" && touch "$STATE/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

postgres_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

# Runs a PostgreSQL binary as the user that owns the data (root may not run PostgreSQL).
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_private_postgres() {
  local bindir port data="$STATE/postgres"
  bindir="$(postgres_bindir)" || {
    apt_install postgresql
    bindir="$(postgres_bindir)" || die "no initdb/pg_ctl after installing postgresql"
  }
  if [ -f "$STATE/postgres.port" ] && postgres_answers "postgres://postgres@127.0.0.1:$(cat "$STATE/postgres.port")/test"; then
    echo "postgres://postgres@127.0.0.1:$(cat "$STATE/postgres.port")/test"
    return 0
  fi
  mkdir -p "$STATE"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$STATE" --shell /usr/sbin/nologin postgres
    chmod 755 "$STATE"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    as_pg_user "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$STATE/postgres-initdb.log" 2>&1 ||
      die "initdb failed: $(tail -5 "$STATE/postgres-initdb.log")"
  fi
  port="$(free_port)"
  touch "$STATE/postgres.log"
  [ "$(id -u)" = 0 ] && chown postgres "$STATE/postgres.log"
  # Sockets in the data directory (Debian's /var/run/postgresql may not exist); tuned for tests, not durability.
  as_pg_user "$bindir/pg_ctl" -D "$data" -l "$STATE/postgres.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >&2 || die "PostgreSQL did not start: $(tail -5 "$STATE/postgres.log")"
  echo "$port" >"$STATE/postgres.port"
  echo "$bindir" >"$STATE/postgres.bindir"
  as_pg_user "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc 'CREATE DATABASE test' >/dev/null 2>&1 || true
  local url="postgres://postgres@127.0.0.1:$port/test"
  postgres_answers "$url" || die "private PostgreSQL on port $port does not accept $url"
  log "started a private PostgreSQL on 127.0.0.1:$port (data $data)"
  echo "$url"
}

start_private_redis() {
  local port bin
  if [ -f "$STATE/redis.port" ] && redis_answers "redis://127.0.0.1:$(cat "$STATE/redis.port")"; then
    echo "redis://127.0.0.1:$(cat "$STATE/redis.port")"
    return 0
  fi
  bin="$(command -v redis-server || true)"
  if [ -z "$bin" ]; then
    apt_install redis-server
    bin="$(command -v redis-server)" || die "no redis-server after installing it"
  fi
  mkdir -p "$STATE"
  port="$(free_port)"
  "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" --dir "$STATE" >&2
  for _ in $(seq 1 50); do redis_answers "redis://127.0.0.1:$port" && break || sleep 0.1; done
  redis_answers "redis://127.0.0.1:$port" || die "private Redis did not answer on port $port: $(tail -5 "$STATE/redis.log")"
  echo "$port" >"$STATE/redis.port"
  log "started a private Redis on 127.0.0.1:$port"
  echo "redis://127.0.0.1:$port"
}

STARTED=()
ensure() {
  # The Redis-outage suite kills and restarts a redis-server of its own, even when the machine's Redis answers.
  command -v redis-server >/dev/null || apt_install redis-server
  if postgres_answers "$PG_URL"; then
    log "PostgreSQL answers at ${PG_URL%%\?*}"
  else
    log "no PostgreSQL answers at ${PG_URL%%\?*}; using a private one"
    local before=""
    [ -f "$STATE/postgres.port" ] && before="$(cat "$STATE/postgres.port")"
    PG_URL="$(start_private_postgres)"
    [ "$before" = "$(cat "$STATE/postgres.port")" ] || STARTED+=(postgres)
  fi
  if redis_answers "$REDIS_URL"; then
    log "Redis answers at $REDIS_URL"
  else
    log "no Redis answers at $REDIS_URL; using a private one"
    local before=""
    [ -f "$STATE/redis.port" ] && before="$(cat "$STATE/redis.port")"
    REDIS_URL="$(start_private_redis)"
    [ "$before" = "$(cat "$STATE/redis.port")" ] || STARTED+=(redis)
  fi
}

stop_postgres() {
  [ -f "$STATE/postgres.port" ] || return 0
  local bindir
  bindir="$(cat "$STATE/postgres.bindir" 2>/dev/null || postgres_bindir)"
  as_pg_user "$bindir/pg_ctl" -D "$STATE/postgres" -m fast -w stop >&2 || true
  rm -f "$STATE/postgres.port"
  log "stopped the private PostgreSQL"
}

stop_redis() {
  [ -f "$STATE/redis.pid" ] || return 0
  local pid
  pid="$(cat "$STATE/redis.pid")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$STATE/redis.pid" "$STATE/redis.port"
  log "stopped the private Redis"
}

case "${1:-}" in
env)
  ensure
  printf 'export MOBILEPLANE_TEST_POSTGRES_URL=%q MOBILEPLANE_TEST_REDIS_URL=%q\n' "$PG_URL" "$REDIS_URL"
  ;;
run)
  shift
  [ "${1:-}" = "--" ] && shift
  [ $# -gt 0 ] || die "usage: services.sh run -- COMMAND..."
  ensure
  cleanup() {
    for s in "${STARTED[@]}"; do "stop_$s"; done
  }
  trap cleanup EXIT
  status=0
  MOBILEPLANE_TEST_POSTGRES_URL="$PG_URL" MOBILEPLANE_TEST_REDIS_URL="$REDIS_URL" "$@" || status=$?
  exit "$status"
  ;;
stop)
  stop_postgres
  stop_redis
  ;;
status)
  postgres_answers "$PG_URL" && echo "postgres: answers at ${PG_URL%%\?*}" || echo "postgres: nothing answers at ${PG_URL%%\?*}"
  redis_answers "$REDIS_URL" && echo "redis: answers at $REDIS_URL" || echo "redis: nothing answers at $REDIS_URL"
  for s in postgres redis; do [ -f "$STATE/$s.port" ] && echo "private $s on 127.0.0.1:$(cat "$STATE/$s.port")"; done
  true
  ;;
*)
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
