-- One row per indicator × territory of a run, with its periods as arrays: what hearing reports
-- and dashboards read. Aggregating a region's 400,000 results at read time took seconds; the
-- run's frozen results never change, so the aggregate is written once, in the run's transaction.

CREATE TABLE evaluation_items (
    run_id              bigint NOT NULL REFERENCES evaluation_runs (id),
    territory_id        bigint NOT NULL,
    indicator_id        bigint NOT NULL,
    -- Period starts as days since 1970-01-01, in order; the other arrays follow them.
    days                integer[] NOT NULL,
    statuses            text[] NOT NULL,
    targets             double precision[] NOT NULL,
    -- Missing values are NaN inside the arrays.
    actuals             double precision[] NOT NULL,
    projected           double precision[] NOT NULL,
    gaps                double precision[] NOT NULL,
    gap_percents        double precision[] NOT NULL,
    reconciliation      boolean[] NOT NULL,
    outliers            boolean[] NOT NULL,
    section_owner_id    bigint,
    indicator_owner_id  bigint,
    PRIMARY KEY (run_id, territory_id, indicator_id)
);

CREATE FUNCTION fill_evaluation_items(run bigint) RETURNS bigint LANGUAGE sql AS $$
    WITH inserted AS (
        INSERT INTO evaluation_items
        SELECT r.run_id, r.territory_id, r.indicator_id,
               array_agg((r.period_start - DATE '1970-01-01') ORDER BY r.period_start),
               array_agg(r.status ORDER BY r.period_start),
               array_agg(r.target ORDER BY r.period_start),
               array_agg(coalesce(r.actual, 'NaN') ORDER BY r.period_start),
               array_agg(coalesce(r.projected, 'NaN') ORDER BY r.period_start),
               array_agg(coalesce(r.gap, 'NaN') ORDER BY r.period_start),
               array_agg(coalesce(r.gap_percent, 'NaN') ORDER BY r.period_start),
               array_agg(r.reconciliation ORDER BY r.period_start),
               array_agg(r.outlier ORDER BY r.period_start),
               (array_agg(r.section_owner_id ORDER BY r.period_start DESC))[1],
               (array_agg(r.indicator_owner_id ORDER BY r.period_start DESC))[1]
          FROM evaluation_results r
         WHERE r.run_id = run
         GROUP BY r.run_id, r.indicator_id, r.territory_id
        RETURNING 1)
    SELECT count(*) FROM inserted
$$;

-- Reports look up coordinators' explanations among millions of flags; few have one.
CREATE INDEX flags_explained_idx ON flags (territory_id, indicator_id) WHERE explanation IS NOT NULL;

SELECT fill_evaluation_items(id) FROM evaluation_runs WHERE status = 'completed' ORDER BY id;
