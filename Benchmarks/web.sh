#!/usr/bin/env bash
# Web heatmap benchmark on the demo data: the whole republic's heatmap page (an administrator's
# view: the republic and its regions × every section of the latest run), the median of RUNS server
# round trips, against a baseline measured in the same run: psql reading the same evaluation items.
# Starts `uade demo` on its own port over the demo cluster (scripts/demo's, in .uade/).
# The last line is
#   web: heatmap_seconds=<h> baseline_seconds=<b> vs_baseline=<ratio>
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib/common.sh"
RUNS="${RUNS:-20}"
PORT="${PORT:-8098}"
export UADE_DATA_DIR="${UADE_DATA_DIR:-$(cluster_home "$ROOT/.uade" demo)}"
install_packages bc curl postgresql-client
if [ -z "${UADE_BIN:-}" ]; then
    swift build -c release --product uade >&2
    UADE_BIN="$(swift build -c release --show-bin-path)/uade"
fi
UADE="$UADE_BIN"
"$UADE" demo --port "$PORT" > /tmp/uade-web-bench.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 1; done
JAR="$(mktemp)"
CSRF="$(curl -fsS -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)"
curl -fsS -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "_csrf=$CSRF" -d username=admin -d password=demo-password -d next=/ "http://127.0.0.1:$PORT/login"

now() { date +%s.%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
curl -fsS -b "$JAR" -o /dev/null "http://127.0.0.1:$PORT/heatmap"   # warm caches
HEATMAP="$(for _ in $(seq "$RUNS"); do
    s="$(now)"; curl -fsS -b "$JAR" -o /dev/null "http://127.0.0.1:$PORT/heatmap"; e="$(now)"
    echo "$e - $s" | bc -l
done | median)"
SOCKET="$UADE_DATA_DIR/run"
BASELINE="$(for _ in $(seq "$RUNS"); do
    s="$(now)"
    psql -h "$SOCKET" -U uade -d uade -Atq -o /dev/null -c "
        SELECT e.territory_id, i.section_id, e.indicator_id, e.statuses
          FROM evaluation_items e JOIN indicators i ON i.id = e.indicator_id
         WHERE e.run_id = (SELECT max(id) FROM evaluation_runs WHERE status = 'completed')
           AND e.territory_id IN (SELECT id FROM territories WHERE parent_id IS NULL
                                  UNION SELECT id FROM territories WHERE parent_id = (SELECT id FROM territories WHERE parent_id IS NULL))"
    e="$(now)"; echo "$e - $s" | bc -l
done | median)"
SIZE="$(curl -fsS -b "$JAR" "http://127.0.0.1:$PORT/heatmap" | wc -c)"
echo "heatmap page: $SIZE bytes" >&2
printf 'web: heatmap_seconds=%.3f baseline_seconds=%.3f vs_baseline=%.2f\n' "$HEATMAP" "$BASELINE" "$(echo "$HEATMAP / $BASELINE" | bc -l)"
