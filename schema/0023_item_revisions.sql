-- Single edits of an approved programme beyond its targets: an indicator's names and a measure's
-- deadline. Renaming is in force at once and kept as the record; postponing a deadline eases the
-- promise and waits for a second person, like a target eased after its period began. A draft's
-- names and deadlines are overwritten and audited, without revisions.
CREATE TABLE item_revisions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('indicator_names', 'measure_deadline')),
    indicator_id    bigint REFERENCES indicators (id),
    measure_id      bigint REFERENCES measures (id),
    old_value       jsonb NOT NULL,
    new_value       jsonb NOT NULL,
    reason          text NOT NULL CHECK (btrim(reason) <> ''),
    eases           boolean NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'in_force', 'refused', 'withdrawn')),
    proposed_by     bigint REFERENCES accounts (id),
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    decided_by      bigint REFERENCES accounts (id),
    decided_at      timestamptz,
    refusal_reason  text,
    withdrawn_at    timestamptz,
    CHECK ((kind = 'indicator_names') = (indicator_id IS NOT NULL AND measure_id IS NULL)),
    CHECK ((kind = 'measure_deadline') = (measure_id IS NOT NULL AND indicator_id IS NULL)),
    CHECK (old_value <> new_value),
    CHECK ((status = 'refused') = (refusal_reason IS NOT NULL AND btrim(refusal_reason) <> '')),
    CHECK ((status IN ('in_force', 'refused')) = (decided_at IS NOT NULL)),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
    CHECK (status <> 'pending' OR kind = 'measure_deadline')
);
CREATE INDEX item_revisions_indicator_idx ON item_revisions (indicator_id, id) WHERE indicator_id IS NOT NULL;
CREATE INDEX item_revisions_measure_idx ON item_revisions (measure_id, id) WHERE measure_id IS NOT NULL;
CREATE UNIQUE INDEX item_revisions_one_pending ON item_revisions (measure_id) WHERE status = 'pending';
