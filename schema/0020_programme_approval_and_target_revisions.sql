-- A programme is a draft until approved. A draft's targets are overwritten by each import; an
-- approved programme's targets keep the value approved, and every change becomes a revision
-- (old and new value, reason, who, when, from which day it applies).
ALTER TABLE programmes
    ADD COLUMN status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
    ADD COLUMN approved_at timestamptz,
    ADD COLUMN approved_by bigint REFERENCES accounts (id),
    ADD CONSTRAINT programmes_approved_when CHECK ((status = 'approved') = (approved_at IS NOT NULL));

-- The programmes loaded before this migration are the ones already being judged: in force.
UPDATE programmes SET status = 'approved', approved_at = now();

-- A revision that eases a target after its period has begun waits for a second person (pending);
-- one that does not is in force at once. A newer revision of the same target withdraws a pending
-- one. Refused and withdrawn revisions stay, as the record of what was asked.
CREATE TABLE target_revisions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator_id    bigint NOT NULL,
    territory_id    bigint NOT NULL,
    period_start    date NOT NULL,
    old_value       double precision NOT NULL,
    new_value       double precision NOT NULL CHECK (new_value NOT IN ('NaN', 'Infinity', '-Infinity')),
    reason          text NOT NULL CHECK (btrim(reason) <> ''),
    applies_from    date NOT NULL,
    eases           boolean NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'in_force', 'refused', 'withdrawn')),
    proposed_by     bigint REFERENCES accounts (id),
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    decided_by      bigint REFERENCES accounts (id),
    decided_at      timestamptz,
    refusal_reason  text,
    FOREIGN KEY (indicator_id, territory_id, period_start) REFERENCES targets (indicator_id, territory_id, period_start),
    CHECK ((status = 'refused') = (refusal_reason IS NOT NULL AND btrim(refusal_reason) <> '')),
    CHECK ((status IN ('in_force', 'refused')) = (decided_at IS NOT NULL)),
    CHECK (new_value <> old_value)
);
CREATE INDEX target_revisions_target_idx ON target_revisions (indicator_id, territory_id, period_start, id);
CREATE UNIQUE INDEX target_revisions_one_pending ON target_revisions (indicator_id, territory_id, period_start) WHERE status = 'pending';
CREATE INDEX target_revisions_pending_idx ON target_revisions (proposed_at) WHERE status = 'pending';

-- A flag for a target eased after its period began.
ALTER TABLE flags DROP CONSTRAINT flags_kind_check;
ALTER TABLE flags ADD CONSTRAINT flags_kind_check
    CHECK (kind IN ('missed', 'not_reported', 'at_risk', 'reconciliation', 'outlier', 'unowned', 'target_eased'));
CREATE OR REPLACE FUNCTION flag_id(indicator bigint, territory bigint, period date, kind text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (((indicator * 16384 + territory) * 1024
             + ((date_part('year', period)::int - 2000) * 4 + (date_part('month', period)::int - 1) / 3)) * 8
            + CASE kind WHEN 'missed' THEN 0 WHEN 'not_reported' THEN 1 WHEN 'at_risk' THEN 2
                        WHEN 'reconciliation' THEN 3 WHEN 'outlier' THEN 4 WHEN 'unowned' THEN 5 WHEN 'target_eased' THEN 6 END);
