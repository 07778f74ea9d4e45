#!/usr/bin/env bash
# CSV import benchmark: `uade import progress` of a 1M-row file against a raw COPY of the same
# rows into the same table (in a transaction that is rolled back), in the same run. The last line is
#   import: vs_copy=<x> import_seconds=<s> copy_seconds=<c> rows=<n>
source "$(dirname "$0")/lib.sh"
ROWS="${ROWS:-1000000}"
prepare_national
bench_account bench-coordinator coordinator 000000000 >/dev/null

say "writing $ROWS rows of empty cells as CSV and as COPY text"
CELLS="SELECT i.code, i.id, t.id AS territory, p.code AS period, p.start, (i.id + t.id) % 97 AS value
         FROM indicators i CROSS JOIN territories t
        CROSS JOIN (VALUES ('2025-Q3', DATE '2025-07-01'), ('2025-Q4', DATE '2025-10-01'), ('2026-Q1', DATE '2026-01-01')) AS p(code, start)
        ORDER BY p.start, t.id, i.id LIMIT $ROWS"
"${PSQL[@]}" -c "\\copy (SELECT code AS indicator_code, territory AS territory_id, period, value FROM ($CELLS) c) TO '/tmp/uade-bench-import.csv' WITH (FORMAT csv, HEADER)"
"${PSQL[@]}" -c "\\copy (SELECT id, territory, start, value FROM ($CELLS) c) TO '/tmp/uade-bench-copy.tsv'"

say "baseline: COPY into progress_entries (rolled back)"
START="$(now)"
"${PSQL[@]}" <<SQL
BEGIN;
\\copy progress_entries (indicator_id, territory_id, period_start, value) FROM '/tmp/uade-bench-copy.tsv'
ROLLBACK;
SQL
COPY_SECONDS="$(echo "$(now) - $START" | bc -l)"

say "uade import progress"
START="$(now)"
"$UADE" import progress /tmp/uade-bench-import.csv --as bench-coordinator
IMPORT_SECONDS="$(echo "$(now) - $START" | bc -l)"
WRITTEN="$("${PSQL[@]}" -Atc "SELECT count(*) FROM progress_entries WHERE entered_by = (SELECT id FROM accounts WHERE username = 'bench-coordinator')")"
echo "imported rows in the database: $WRITTEN"
awk -v i="$IMPORT_SECONDS" -v c="$COPY_SECONDS" -v n="$ROWS" \
    'BEGIN { printf "import: vs_copy=%.2f import_seconds=%.1f copy_seconds=%.1f rows=%d\n", i / c, i, c, n }'
