-- A coordinator asks for closed periods to be reopened for some territories (each with the
-- territories below it); an administrator grants it until a day or refuses it with a reason.
-- A granted exception is in force through its `until` day and lapses by itself after it.
CREATE TABLE entry_exceptions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requested_by  bigint NOT NULL REFERENCES accounts (id),
    requested_at  timestamptz NOT NULL DEFAULT now(),
    territory_ids bigint[] NOT NULL CHECK (cardinality(territory_ids) BETWEEN 1 AND 300),
    -- Period codes: 2025-Q4, 2025.
    periods       text[] NOT NULL CHECK (cardinality(periods) BETWEEN 1 AND 40),
    reason        text NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 2000),
    status        text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'granted', 'refused')),
    until         date,
    decided_by    bigint REFERENCES accounts (id),
    decided_at    timestamptz,
    refusal       text CHECK (refusal IS NULL OR (btrim(refusal) <> '' AND length(refusal) <= 2000)),
    CHECK ((status = 'granted') = (until IS NOT NULL)),
    CHECK ((status = 'refused') = (refusal IS NOT NULL)),
    CHECK ((status = 'requested') = (decided_at IS NULL))
);
CREATE INDEX entry_exceptions_in_force_idx ON entry_exceptions (until) WHERE status = 'granted';

-- A value written inside an exception names it: the next evaluation run flags its cell.
ALTER TABLE progress_entries ADD COLUMN exception_id bigint REFERENCES entry_exceptions (id);
CREATE INDEX progress_entries_exception_idx ON progress_entries (exception_id) WHERE exception_id IS NOT NULL;

-- The flag for such a value: the eighth and last kind the flag id's three bits hold.
ALTER TABLE flags DROP CONSTRAINT flags_kind_check;
ALTER TABLE flags ADD CONSTRAINT flags_kind_check
    CHECK (kind IN ('missed', 'not_reported', 'at_risk', 'reconciliation', 'outlier', 'unowned', 'target_eased', 'entered_under_exception'));
CREATE OR REPLACE FUNCTION flag_id(indicator bigint, territory bigint, period date, kind text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (((indicator * 16384 + territory) * 1024
             + ((date_part('year', period)::int - 2000) * 4 + (date_part('month', period)::int - 1) / 3)) * 8
            + CASE kind WHEN 'missed' THEN 0 WHEN 'not_reported' THEN 1 WHEN 'at_risk' THEN 2
                        WHEN 'reconciliation' THEN 3 WHEN 'outlier' THEN 4 WHEN 'unowned' THEN 5 WHEN 'target_eased' THEN 6
                        WHEN 'entered_under_exception' THEN 7 END);
