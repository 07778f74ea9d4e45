#!/usr/bin/env bash
# API benchmark: POST /api/v1/progress and an owner's GET /api/v1/owned under wrk (32
# connections), against pgbench's single-row INSERT and indexed SELECT on the same database in
# the same run. Prints the ratios and latency percentiles; the last line is
#   api: post_vs_pgbench=<x> get_vs_pgbench=<y> post_p99_ms=<a> get_p99_ms=<b>
source "$(dirname "$0")/lib.sh"
DURATION="${DURATION:-15}"
CONNECTIONS=32
PORT="${PORT:-18080}"
prepare_national

COORDINATOR="$(bench_account bench-coordinator coordinator 000000000)"
OWNER_PERSON="$("${PSQL[@]}" -Atc "SELECT person_id FROM indicator_owners GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 1")"
OWNER_TERRITORY="$("${PSQL[@]}" -Atc "SELECT territory_id FROM people WHERE id = $OWNER_PERSON")"
OWNER="$(bench_account bench-owner council_member "$OWNER_TERRITORY" "$OWNER_PERSON")"

# Cells without values: the quarters after the dataset's history, for every indicator and territory.
"${PSQL[@]}" -Atc "SELECT id FROM territories ORDER BY id" > /tmp/uade-bench-territories.txt
RUN="$(date +%s)"

say "starting the server on :$PORT"
UADE_PORT="$PORT" UADE_LOG_LEVEL=error "$UADE" serve > /tmp/uade-bench-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done

cat > /tmp/uade-bench-post.lua <<LUA
-- Each request reports a value for a different empty cell; threads take disjoint territories.
local territories = {}
for line in io.lines("/tmp/uade-bench-territories.txt") do territories[#territories + 1] = line end
local periods = {"2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"}
local counter = 0
thread_number = 0
local threads = 0
function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end
function init(args)
  counter = 0
end
request = function()
  counter = counter + 1
  local n = counter - 1
  local indicator = string.format("N%04d", (n % 2000) + 1)
  local slot = math.floor(n / 2000)
  local territory = territories[((slot * 2 + thread_number) % #territories) + 1]
  local period = periods[(math.floor(slot * 2 / #territories) % #periods) + 1]
  local body = string.format('{"indicator":"%s","territory":"%s","period":"%s","value":%d,"comment":"bench $RUN"}', indicator, territory, period, n % 97)
  return wrk.format("POST", "/api/v1/progress", {["Authorization"] = "Bearer $COORDINATOR", ["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f non2xx=%d\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
LUA
cat > /tmp/uade-bench-get.lua <<LUA
request = function()
  return wrk.format("GET", "/api/v1/owned?period=2024-Q2&limit=50", {["Authorization"] = "Bearer $OWNER"})
end
done = function(summary, latency, requests)
  io.write(string.format("p50_ms=%.2f p99_ms=%.2f non2xx=%d\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
LUA

# CPU time per request, of the server and of the database, beside the rates: where a request's
# cost goes, against what pgbench's statements cost the database.
measure_wrk() {
    local target="$1" script="${2:-}" server0 database0 server1 database1 requests
    checkpoint
    server0="$(process_ticks "$SERVER")"; database0="$(cluster_ticks)"
    OUT="$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" ${script:+-s "$script"} "http://127.0.0.1:$PORT$target")"
    server1="$(process_ticks "$SERVER")"; database1="$(cluster_ticks)"
    requests="$(echo "$OUT" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')"
    SERVER_US="$(per_operation_us $((server1 - server0)) "$requests")"
    DATABASE_US="$(per_operation_us $((database1 - database0)) "$requests")"
}

# Warm up (caches, connection pool), then measure.
wrk -t2 -c"$CONNECTIONS" -d3s -s /tmp/uade-bench-get.lua "http://127.0.0.1:$PORT" >/dev/null
say "wrk: GET /api/v1/owned for ${DURATION}s"
measure_wrk "" /tmp/uade-bench-get.lua
GET_OUT="$OUT" GET_SERVER_US="$SERVER_US" GET_DATABASE_US="$DATABASE_US"
say "wrk: POST /api/v1/progress for ${DURATION}s"
measure_wrk "" /tmp/uade-bench-post.lua
POST_OUT="$OUT" POST_SERVER_US="$SERVER_US" POST_DATABASE_US="$DATABASE_US"
# The floor under any route that reads the database: one `SELECT 1` and a small JSON answer.
say "wrk: GET /health for ${DURATION}s"
measure_wrk /health
HEALTH_RPS="$(echo "$OUT" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')" HEALTH_SERVER_US="$SERVER_US" HEALTH_DATABASE_US="$DATABASE_US"
kill $SERVER; wait $SERVER 2>/dev/null || true

# The baselines: the same database, plain single-row statements.
"${PSQL[@]}" -c "CREATE TABLE IF NOT EXISTS bench_rows (id bigserial PRIMARY KEY, indicator_id bigint NOT NULL, territory_id bigint NOT NULL, period_start date NOT NULL, value double precision NOT NULL, entered_at timestamptz NOT NULL DEFAULT now())" \
    -c "CREATE INDEX IF NOT EXISTS bench_rows_cell ON bench_rows (indicator_id, territory_id, period_start)"
cat > /tmp/uade-bench-insert.sql <<'SQL'
\set i random(1, 2000)
\set t random(1, 220)
INSERT INTO bench_rows (indicator_id, territory_id, period_start, value) VALUES (:i, :t, DATE '2026-10-01', :i * 0.5);
SQL
cat > /tmp/uade-bench-select.sql <<'SQL'
\set i random(1, 2000)
\set t random(1, 220)
SELECT value FROM progress_entries WHERE indicator_id = :i AND territory_id = :t AND period_start = DATE '2024-04-01' ORDER BY entered_at DESC, id DESC LIMIT 1;
SQL
PGB=("$PG_BIN/pgbench" -n -h "$SOCKET_DIR" -p 5432 -U uade -c "$CONNECTIONS" -j 2 -T "$DURATION" "$BENCH_DB")
run_pgbench() {
    local database0 database1 out
    # A backend's time is lost to the count if it exits while being counted: let pgbench's
    # backends finish exiting first.
    checkpoint; sleep 1; database0="$(cluster_ticks)"
    out="$("${PGB[@]}" -f "$1" 2>/dev/null)"
    sleep 1; database1="$(cluster_ticks)"
    TPS="$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')"
    DATABASE_US="$(per_operation_us $((database1 - database0)) "$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')")"
}
say "pgbench: single-row INSERT for ${DURATION}s"
run_pgbench /tmp/uade-bench-insert.sql
INSERT_TPS="$TPS" INSERT_DATABASE_US="$DATABASE_US"
say "pgbench: indexed SELECT for ${DURATION}s"
run_pgbench /tmp/uade-bench-select.sql
SELECT_TPS="$TPS" SELECT_DATABASE_US="$DATABASE_US"
"${PSQL[@]}" -c "DROP TABLE bench_rows"

POST_RPS="$(echo "$POST_OUT" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')"
GET_RPS="$(echo "$GET_OUT" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')"
POST_P99="$(echo "$POST_OUT" | sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p')"
GET_P99="$(echo "$GET_OUT" | sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p')"
POST_P50="$(echo "$POST_OUT" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')"
GET_P50="$(echo "$GET_OUT" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')"
POST_BAD="$(echo "$POST_OUT" | sed -n 's/.*non2xx=\([0-9]*\).*/\1/p')"
GET_BAD="$(echo "$GET_OUT" | sed -n 's/.*non2xx=\([0-9]*\).*/\1/p')"

echo "POST /api/v1/progress: ${POST_RPS} req/s, p50 ${POST_P50} ms, p99 ${POST_P99} ms, non-2xx ${POST_BAD}"
echo "GET  /api/v1/owned:    ${GET_RPS} req/s, p50 ${GET_P50} ms, p99 ${GET_P99} ms, non-2xx ${GET_BAD}"
echo "GET  /health:          ${HEALTH_RPS} req/s (one SELECT 1: the floor under any route that reads the database)"
echo "pgbench INSERT: ${INSERT_TPS} tps; pgbench indexed SELECT: ${SELECT_TPS} tps"
echo "CPU per request (µs):  POST server ${POST_SERVER_US}, database ${POST_DATABASE_US}; GET server ${GET_SERVER_US}, database ${GET_DATABASE_US};" \
     "/health server ${HEALTH_SERVER_US}, database ${HEALTH_DATABASE_US}"
echo "CPU per transaction (µs): pgbench INSERT database ${INSERT_DATABASE_US}; pgbench SELECT database ${SELECT_DATABASE_US}"
awk -v pr="$POST_RPS" -v gr="$GET_RPS" -v it="$INSERT_TPS" -v st="$SELECT_TPS" -v pp="$POST_P99" -v gp="$GET_P99" \
    'BEGIN { printf "api: post_vs_pgbench=%.2f get_vs_pgbench=%.2f post_p99_ms=%.1f get_p99_ms=%.1f\n", pr / it, gr / st, pp, gp }'
