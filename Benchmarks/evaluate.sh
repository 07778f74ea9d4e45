#!/usr/bin/env bash
# Evaluation benchmark on the national-scale dataset: the full `uade evaluate` against, in the same
# run on the same data, a one-pass baseline — a single INSERT … SELECT taking the latest actual per
# indicator × territory × period (as of the same date) and comparing it with the target.
# The last line is
#   evaluate: vs_baseline=<x> seconds=<s> baseline_seconds=<b> peak_rss_mb=<m> results=<n>
source "$(dirname "$0")/lib.sh"
AS_OF="${AS_OF:-2025-11-15}"
install_packages time
prepare_national

say "baseline: one INSERT … SELECT over every target"
"${PSQL[@]}" -c "CREATE TABLE bench_baseline (indicator_id bigint, territory_id bigint, period_start date, target double precision, actual double precision, met boolean)"
START="$(now)"
"${PSQL[@]}" -c "SET work_mem = '64MB'" -c "
    INSERT INTO bench_baseline
    SELECT t.indicator_id, t.territory_id, t.period_start, t.value, e.value,
           CASE WHEN i.direction = 'higher_is_better' THEN e.value >= t.value ELSE e.value <= t.value END
      FROM targets t JOIN indicators i ON i.id = t.indicator_id
      LEFT JOIN LATERAL (SELECT p.value FROM progress_entries p
                          WHERE p.indicator_id = t.indicator_id AND p.territory_id = t.territory_id AND p.period_start = t.period_start
                            AND p.entered_at < (DATE '$AS_OF' + 1)::timestamp AT TIME ZONE 'Asia/Almaty'
                          ORDER BY p.entered_at DESC, p.id DESC LIMIT 1) e ON true"
BASELINE_SECONDS="$(echo "$(now) - $START" | bc -l)"
BASELINE_ROWS="$("${PSQL[@]}" -Atc "SELECT count(*) FROM bench_baseline")"
"${PSQL[@]}" -c "DROP TABLE bench_baseline"

say "uade evaluate --as-of $AS_OF"
START="$(now)"
/usr/bin/time -v -o /tmp/uade-bench-evaluate.time "$UADE" evaluate --as-of "$AS_OF" | tee /tmp/uade-bench-evaluate.out
SECONDS_TAKEN="$(echo "$(now) - $START" | bc -l)"
PEAK_KB="$(sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p' /tmp/uade-bench-evaluate.time)"
RESULTS="$(sed -n 's/.*, \([0-9]*\) results in .*/\1/p' /tmp/uade-bench-evaluate.out | tail -n 1)"
echo "baseline rows: $BASELINE_ROWS"
awk -v s="$SECONDS_TAKEN" -v b="$BASELINE_SECONDS" -v k="$PEAK_KB" -v n="$RESULTS" \
    'BEGIN { printf "evaluate: vs_baseline=%.2f seconds=%.1f baseline_seconds=%.1f peak_rss_mb=%.0f results=%d\n", s / b, s, b, k / 1024, n }'
