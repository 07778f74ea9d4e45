-- A run's results were written twice: 8.8 million rows into evaluation_results (83 s at national
-- scale, most of it index upkeep) and then aggregated into evaluation_items (24 s more). The
-- evaluator now writes only the items, one row per indicator × territory with its periods as
-- arrays, and evaluation_results becomes a view that unnests them for readers that want one row
-- per target.

ALTER TABLE evaluation_items ADD COLUMN rolled_up boolean[], ADD COLUMN own_values double precision[];
UPDATE evaluation_items e SET rolled_up = a.rolled_up, own_values = a.own_values
  FROM (SELECT run_id, territory_id, indicator_id,
               array_agg(rolled_up ORDER BY period_start) AS rolled_up,
               array_agg(coalesce(own_value, 'NaN') ORDER BY period_start) AS own_values
          FROM evaluation_results GROUP BY run_id, territory_id, indicator_id) a
 WHERE (e.run_id, e.territory_id, e.indicator_id) = (a.run_id, a.territory_id, a.indicator_id);
ALTER TABLE evaluation_items ALTER rolled_up SET NOT NULL, ALTER own_values SET NOT NULL;

DROP FUNCTION fill_evaluation_items(bigint);
DROP TABLE evaluation_results;

-- NaN stands for a missing value inside the arrays (PostgreSQL compares NaN equal to NaN).
CREATE VIEW evaluation_results AS
SELECT e.run_id, e.indicator_id, e.territory_id, DATE '1970-01-01' + p.day AS period_start, p.status, p.target,
       nullif(p.actual, 'NaN') AS actual, nullif(p.projected, 'NaN') AS projected, nullif(p.gap, 'NaN') AS gap,
       nullif(p.gap_percent, 'NaN') AS gap_percent, p.rolled_up, nullif(p.own_value, 'NaN') AS own_value,
       p.reconciliation, p.outlier, e.section_owner_id, e.indicator_owner_id
  FROM evaluation_items e
 CROSS JOIN LATERAL unnest(e.days, e.statuses, e.targets, e.actuals, e.projected, e.gaps, e.gap_percents, e.rolled_up, e.own_values,
                           e.reconciliation, e.outliers)
       AS p(day, status, target, actual, projected, gap, gap_percent, rolled_up, own_value, reconciliation, outlier);

-- Opening 6.3 million flags on a first national run took two minutes: foreign keys checked row by
-- row, an index of three values, and a territory index beside the identity's. Flags are only ever
-- written from a run's own items, whose indicators and territories exist (as in 0006); the identity
-- now leads with the territory, so the one unique index also serves listings by territory
-- (27.5 s for the same 6.3 million flags).
ALTER TABLE flags DROP CONSTRAINT flags_indicator_id_fkey, DROP CONSTRAINT flags_territory_id_fkey;
DROP INDEX flags_state_idx;
DROP INDEX flags_territory_idx;
ALTER TABLE flags DROP CONSTRAINT flags_kind_indicator_id_territory_id_period_start_key;
ALTER TABLE flags ADD CONSTRAINT flags_identity UNIQUE (territory_id, indicator_id, period_start, kind);
