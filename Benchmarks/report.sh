#!/usr/bin/env bash
# Hearing report benchmark on the national-scale dataset: `uade report hearing` in HTML for a
# region (Kyzylorda Region and its districts, all sections: ~18,000 items) and for the republic
# (the republic and its regions, all sections: ~42,000 items), each the median of five runs of the
# whole command, against a baseline measured in the same run: psql reading the same items.
# The first time it evaluates the dataset (several minutes). The last line is
#   report: region_seconds=<r> republic_seconds=<p>
source "$(dirname "$0")/lib.sh"
AS_OF="${AS_OF:-2025-11-15}"
RUNS="${RUNS:-5}"
prepare_national

say "evaluating as of $AS_OF (the hearings' run)"
"$UADE" migrate >&2
"$UADE" evaluate --as-of "$AS_OF" >&2
RUN_ID="$("${PSQL[@]}" -Atc "SELECT max(id) FROM evaluation_runs WHERE status = 'completed'")"
# Hearings are held days after their run: by then autovacuum has been through the millions of rows
# the run wrote. Do that now, so it does not share the two cores with the measurement.
say "vacuuming what the run wrote"
"${PSQL[@]}" -c "VACUUM (ANALYZE) evaluation_items, flags"
hearing() {
    "${PSQL[@]}" -Atc "
        INSERT INTO hearings (programme_id, faction, faction_territory_id, held_on, title, territory_id, depth, sections_choice, run_id)
        SELECT p.id, '$1', t.id, DATE '2026-12-01', 'Benchmark: $2', t.id, 1, 'all', $RUN_ID
          FROM programmes p, territories t WHERE t.kato = '$3' ORDER BY p.id LIMIT 1
        RETURNING id"
}
REGION_ID="$(hearing maslikhat 'Kyzylorda Region' 430000000)"
REPUBLIC_ID="$(hearing mazhilis 'the republic' 000000000)"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_report() {
    for _ in $(seq "$RUNS"); do
        local start; start="$(now)"
        "$UADE" report hearing --id "$1" --format html --lang ru -o /tmp/uade-bench-report.html >/dev/null
        echo "$(now) - $start" | bc -l
    done | median
}
time_baseline() {
    for _ in $(seq "$RUNS"); do
        local start; start="$(now)"
        "${PSQL[@]}" -o /dev/null -c "
            SELECT * FROM evaluation_items
             WHERE run_id = $RUN_ID AND territory_id IN (SELECT id FROM territories WHERE kato = '$1' OR parent_id = (SELECT id FROM territories WHERE kato = '$1'))"
        echo "$(now) - $start" | bc -l
    done | median
}

say "region: hearing $REGION_ID"
REGION="$(time_report "$REGION_ID")"
REGION_BYTES="$(stat -c %s /tmp/uade-bench-report.html)"
REGION_BASE="$(time_baseline 430000000)"
say "republic: hearing $REPUBLIC_ID"
REPUBLIC="$(time_report "$REPUBLIC_ID")"
REPUBLIC_BYTES="$(stat -c %s /tmp/uade-bench-report.html)"
REPUBLIC_BASE="$(time_baseline 000000000)"
"${PSQL[@]}" -c "DELETE FROM hearings WHERE id IN ($REGION_ID, $REPUBLIC_ID)"

awk -v r="$REGION" -v rb="$REGION_BASE" -v p="$REPUBLIC" -v pb="$REPUBLIC_BASE" -v rs="$REGION_BYTES" -v ps="$REPUBLIC_BYTES" 'BEGIN {
    printf "region:   %.2f s (%.1f MB of HTML), psql reading the same items %.2f s, ratio %.1f\n", r, rs / 1e6, rb, r / rb
    printf "republic: %.2f s (%.1f MB of HTML), psql reading the same items %.2f s, ratio %.1f\n", p, ps / 1e6, pb, p / pb
    printf "report: region_seconds=%.2f republic_seconds=%.2f\n", r, p }'
