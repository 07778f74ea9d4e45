-- Evaluation runs are frozen snapshots: results are written in the run's own transaction and
-- readers see only completed runs. Flags keep their identity from run to run.

CREATE TABLE evaluation_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id    bigint NOT NULL REFERENCES programmes (id),
    -- The territory the run was limited to (it and everything below); NULL for the whole programme.
    territory_id    bigint REFERENCES territories (id),
    as_of           date NOT NULL,
    grace_days      integer NOT NULL CHECK (grace_days >= 0),
    status          text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at     timestamptz,
    started_by      bigint REFERENCES accounts (id),
    counts          jsonb,
    measure_counts  jsonb,
    fingerprint     text,
    failure         text,
    CHECK ((status = 'completed') = (finished_at IS NOT NULL AND counts IS NOT NULL))
);
CREATE INDEX evaluation_runs_programme_idx ON evaluation_runs (programme_id, id DESC);

CREATE TABLE evaluation_results (
    run_id              bigint NOT NULL REFERENCES evaluation_runs (id),
    indicator_id        bigint NOT NULL,
    territory_id        bigint NOT NULL,
    period_start        date NOT NULL,
    status              text NOT NULL CHECK (status IN ('achieved', 'on_track', 'at_risk', 'missed', 'not_reported', 'not_due')),
    target              double precision NOT NULL,
    actual              double precision,
    projected           double precision,
    gap                 double precision,
    gap_percent         double precision,
    -- The actual came from the territories below (roll-up) rather than the territory's own figure.
    rolled_up           boolean NOT NULL DEFAULT false,
    own_value           double precision,
    reconciliation      boolean NOT NULL DEFAULT false,
    outlier             boolean NOT NULL DEFAULT false,
    section_owner_id    bigint,
    indicator_owner_id  bigint,
    PRIMARY KEY (run_id, indicator_id, territory_id, period_start)
);
CREATE INDEX evaluation_results_status_idx ON evaluation_results (run_id, status);
CREATE INDEX evaluation_results_territory_idx ON evaluation_results (run_id, territory_id);

CREATE TABLE evaluation_measure_results (
    run_id      bigint NOT NULL REFERENCES evaluation_runs (id),
    measure_id  bigint NOT NULL REFERENCES measures (id),
    verdict     text NOT NULL CHECK (verdict IN ('done', 'cancelled', 'missed', 'at_risk', 'in_progress', 'not_due')),
    status      text NOT NULL,
    deadline    date NOT NULL,
    section_owner_id bigint,
    PRIMARY KEY (run_id, measure_id)
);

-- kind × indicator × territory × period: the same problem found again keeps its flag.
CREATE TABLE flags (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id    bigint NOT NULL REFERENCES programmes (id),
    kind            text NOT NULL CHECK (kind IN ('missed', 'not_reported', 'at_risk', 'reconciliation', 'outlier', 'unowned')),
    indicator_id    bigint NOT NULL REFERENCES indicators (id),
    territory_id    bigint NOT NULL REFERENCES territories (id),
    period_start    date NOT NULL,
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'explained', 'resolved')),
    explanation     text,
    explained_by    bigint REFERENCES accounts (id),
    explained_at    timestamptz,
    first_run_id    bigint NOT NULL REFERENCES evaluation_runs (id),
    last_run_id     bigint NOT NULL REFERENCES evaluation_runs (id),
    opened_at       timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    reopened        integer NOT NULL DEFAULT 0,
    UNIQUE (kind, indicator_id, territory_id, period_start),
    CHECK ((state = 'explained') <= (explanation IS NOT NULL))
);
CREATE INDEX flags_state_idx ON flags (programme_id, state, kind);
CREATE INDEX flags_territory_idx ON flags (territory_id);
