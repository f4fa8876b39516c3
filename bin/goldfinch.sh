#!/usr/bin/env bash
# Implementation of ./goldfinch (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/services.sh

usage() {
  cat <<USAGE
usage: ./goldfinch <command>
  run        build if needed, start PostgreSQL and Redis, start Goldfinch with demo data (Ctrl-C stops the app)
  test       start PostgreSQL and Redis (and Chromium where it can), then run every test (./mvnw verify)
  services   start PostgreSQL and Redis only
  stop       stop the PostgreSQL and Redis this project started
  aggregate  run the aggregation command line (see README)
USAGE
}

app_jar() { ls app/target/goldfinch-app-*.jar 2>/dev/null | grep -v -e '-original' -e 'sources' | head -1; }

build_if_needed() {
  local jar; jar="$(app_jar || true)"
  if [ -z "$jar" ] || [ -n "$(find pom.xml db app worker-portal requester-portal -newer "$jar" \
        \( -path '*/target' -o -path '*/node_modules' \) -prune -o -type f -print -quit 2>/dev/null)" ]; then
    log "building (./mvnw package, tests skipped; './goldfinch test' runs them)"
    ./mvnw -B -q -DskipTests package
  fi
}

cmd="${1:-}"; shift || true
case "$cmd" in
  run)
    start_postgres; start_redis; ensure_database goldfinch
    build_if_needed
    export GOLDFINCH_DB_URL="${GOLDFINCH_DB_URL:-jdbc:postgresql://127.0.0.1:$GF_PG_PORT/goldfinch}"
    export GOLDFINCH_REDIS_URI="${GOLDFINCH_REDIS_URI:-redis://127.0.0.1:$GF_REDIS_PORT/0}"
    export GOLDFINCH_DEMO="${GOLDFINCH_DEMO:-true}"
    exec java ${JAVA_OPTS:-} -jar "$(app_jar)" "$@"
    ;;
  test)
    start_postgres; start_redis
    ensure_database goldfinch_test fresh
    ensure_chromium || true
    export GOLDFINCH_DB_URL="jdbc:postgresql://127.0.0.1:$GF_PG_PORT/goldfinch_test"
    export GOLDFINCH_REDIS_URI="redis://127.0.0.1:$GF_REDIS_PORT/1"
    redis-cli -p "$GF_REDIS_PORT" -n 1 flushdb >/dev/null
    exec ./mvnw -B verify "$@"
    ;;
  services) start_postgres; start_redis; ensure_database goldfinch ;;
  stop) stop_services ;;
  aggregate)
    build_if_needed
    exec java ${JAVA_OPTS:-} -jar "$(app_jar)" aggregate "$@"
    ;;
  *) usage; [ -z "$cmd" ] || [ "$cmd" = help ] || exit 2 ;;
esac
