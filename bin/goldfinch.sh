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
  bench      benchmarks and reports: bench accuracy | calibration | speed | pass-timing | jmh | cli | label-cost | value-rule | load [workers...]
USAGE
}

app_jar() { ls app/target/goldfinch-app-*.jar 2>/dev/null | grep -v -e '-original' -e 'sources' | head -1; }

build_if_needed() {
  local jar; jar="$(app_jar || true)"
  if [ -z "$jar" ] || [ -n "$(find pom.xml db app worker-portal requester-portal portal-common -newer "$jar" \
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
  bench)
    name="${1:-}"; shift || true
    log "building with the bench profile"
    ./mvnw -B -q -P bench -DskipTests install
    CP="app/target/classes:app/target/test-classes:$(cat app/target/bench.classpath)"
    case "$name" in
      label-cost) java -cp "$CP" io.goldfinch.matching.bench.LabelCostSimulation "$@"; echo; exec java -cp "$CP" io.goldfinch.matching.bench.LabelCostReplay ;;
      accuracy) exec java -cp "$CP" io.goldfinch.aggregation.bench.AccuracyReport "$@" ;;
      calibration) exec java -cp "$CP" io.goldfinch.aggregation.bench.CalibrationReport "$@" ;;
      speed) exec java -Xmx4g -cp "$CP" io.goldfinch.aggregation.bench.SpeedReport "${@:-1M,10M,100M}" ;;
      pass-timing) exec java -cp "$CP" io.goldfinch.aggregation.bench.PassTiming "${@:-10M 2 1}" ;;
      jmh) exec java -cp "$CP" io.goldfinch.aggregation.bench.jmh.JmhReport "$@" ;;
      value-rule) exec java -cp "$CP" org.openjdk.jmh.Main AnswerValueBenchmark "$@" ;;
      cli)
        dir="$GF_STATE/crowd-${1:-10M}"
        java -cp "$CP" io.goldfinch.aggregation.bench.SyntheticCsv "$dir" "${1:-10M}"
        /usr/bin/time -v java -Xmx4g -jar "$(app_jar)" aggregate --answers "$dir/answers.csv" --out "$dir/out.csv" --method ds 2>&1 \
          | grep -E "Elapsed|Maximum resident|^[a-z]"
        ;;
      load)
        start_postgres; start_redis; ensure_database goldfinch_bench fresh
        redis-cli -p "$GF_REDIS_PORT" -n 2 flushdb >/dev/null
        port=18080; admin=bench-admin@bench.goldfinch.dev; pass=bench-admin-password
        GOLDFINCH_PORT=$port GOLDFINCH_DB_URL="jdbc:postgresql://127.0.0.1:$GF_PG_PORT/goldfinch_bench" \
          GOLDFINCH_REDIS_URI="redis://127.0.0.1:$GF_REDIS_PORT/2" GOLDFINCH_ADMIN_EMAIL=$admin GOLDFINCH_ADMIN_PASSWORD=$pass \
          GOLDFINCH_BCRYPT_COST=4 \
          java ${JAVA_OPTS:--Xmx1g} -jar "$(app_jar)" > "$GF_STATE/bench-app.log" 2>&1 &
        app_pid=$!
        trap 'kill $app_pid 2>/dev/null' EXIT
        for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
        for workers in ${@:-100 500}; do
          java -Xmx1g ${BENCH_FLUSH:+-Dbench.flush-redis=redis://127.0.0.1:$GF_REDIS_PORT/2} -cp "$CP" io.goldfinch.matching.bench.LoadBenchmark "http://127.0.0.1:$port" \
            "jdbc:postgresql://127.0.0.1:$GF_PG_PORT/goldfinch_bench" $admin $pass "$workers" "${BENCH_SECONDS:-30}" "${BENCH_ITEMS:-$(( workers * 1200 > 300000 ? workers * 1200 : 300000 ))}" "${BENCH_THINK_MS:-200,1000}" "${BENCH_FLOW:-both}"
        done
        ;;
      *) log "unknown benchmark '$name'"; exit 2 ;;
    esac
    ;;
  *) usage; [ -z "$cmd" ] || [ "$cmd" = help ] || exit 2 ;;
esac
