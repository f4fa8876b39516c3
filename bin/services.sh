#!/usr/bin/env bash
# Starts the PostgreSQL 15 and Redis servers Goldfinch needs, on loopback, owned by this project.
# Idempotent: a server already answering on its port is left alone.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` user (runuser).
set -euo pipefail

GF_STATE="${GOLDFINCH_STATE_DIR:-/var/tmp/goldfinch}"
GF_PG_PORT="${GOLDFINCH_PG_PORT:-55432}"
GF_REDIS_PORT="${GOLDFINCH_REDIS_PORT:-56379}"
export GF_STATE GF_PG_PORT GF_REDIS_PORT

log() { printf '[goldfinch] %s\n' "$*" >&2; }

as_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
  if ! as_root; then log "missing $*: install it (apt-get install -y $*) or run as root"; return 1; fi
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

pg_run() { # run a PostgreSQL binary as the right user
  if as_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin data
  bin="$(pg_bin)" || { apt_install postgresql-15 && bin="$(pg_bin)"; } || { log "PostgreSQL server binaries not found"; return 1; }
  data="$GF_STATE/pg"
  if pg_run "$bin/pg_isready" -h 127.0.0.1 -p "$GF_PG_PORT" -q 2>/dev/null; then
    log "PostgreSQL already running on 127.0.0.1:$GF_PG_PORT"; return 0
  fi
  mkdir -p "$GF_STATE"
  if as_root; then chmod 755 "$GF_STATE"; fi
  if [ ! -s "$data/PG_VERSION" ]; then
    log "initialising PostgreSQL data directory $data"
    mkdir -p "$data"
    if as_root; then chown postgres:postgres "$data"; fi
    chmod 700 "$data"
    pg_run "$bin/initdb" -D "$data" -U goldfinch -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  log "starting PostgreSQL on 127.0.0.1:$GF_PG_PORT"
  pg_run "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $GF_PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=${GOLDFINCH_PG_FSYNC:-on} -c shared_buffers=256MB" start >/dev/null
}

psql_admin() { psql -h 127.0.0.1 -p "$GF_PG_PORT" -U goldfinch -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

ensure_database() { # $1 = database name; $2 = "fresh" to recreate it empty
  if [ "${2:-}" = fresh ]; then psql_admin -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null; fi
  if ! psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; then
    psql_admin -c "CREATE DATABASE \"$1\"" >/dev/null
  fi
}

start_redis() {
  command -v redis-server >/dev/null || apt_install redis-server || { log "redis-server not available"; return 1; }
  if redis-cli -p "$GF_REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    log "Redis already running on 127.0.0.1:$GF_REDIS_PORT"; return 0
  fi
  mkdir -p "$GF_STATE/redis"
  log "starting Redis on 127.0.0.1:$GF_REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$GF_REDIS_PORT" --daemonize yes --dir "$GF_STATE/redis" \
    --save "" --appendonly no --logfile "$GF_STATE/redis/redis.log" --pidfile "$GF_STATE/redis/redis.pid"
  local i; for i in $(seq 1 50); do redis-cli -p "$GF_REDIS_PORT" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done
  log "Redis did not start"; return 1
}

ensure_chromium() { # best effort: the browser tests need Debian's chromium + chromedriver
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then return 0; fi
  apt_install chromium chromium-driver || log "Chromium not installed: browser tests will be skipped"
}

stop_services() {
  local bin; bin="$(pg_bin)" || true
  [ -n "${bin:-}" ] && [ -s "$GF_STATE/pg/PG_VERSION" ] && pg_run "$bin/pg_ctl" -D "$GF_STATE/pg" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$GF_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}
