-- Progress entries and measure status updates are append-only: a correction is a new row
-- that supersedes the current one and says why. The audit log records every write.

CREATE TABLE progress_entries (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator_id       bigint NOT NULL,
    territory_id       bigint NOT NULL,
    period_start       date NOT NULL,
    value              double precision NOT NULL CHECK (value NOT IN ('NaN', 'Infinity', '-Infinity')),
    comment            text,
    evidence           text,
    entered_by         bigint REFERENCES accounts (id),
    entered_at         timestamptz NOT NULL DEFAULT now(),
    supersedes_id      bigint UNIQUE,
    correction_reason  text,
    request_id         text,
    -- A value is only ever reported against a target that exists.
    FOREIGN KEY (indicator_id, territory_id, period_start) REFERENCES targets (indicator_id, territory_id, period_start),
    UNIQUE (id, indicator_id, territory_id, period_start),
    -- A correction supersedes an entry of the same indicator, territory and period.
    FOREIGN KEY (supersedes_id, indicator_id, territory_id, period_start)
        REFERENCES progress_entries (id, indicator_id, territory_id, period_start),
    CONSTRAINT progress_correction_has_reason
        CHECK (supersedes_id IS NULL OR (correction_reason IS NOT NULL AND btrim(correction_reason) <> ''))
);
-- "Latest entry per indicator x territory x period as of a date" is one index descent.
CREATE INDEX progress_latest_idx ON progress_entries (indicator_id, territory_id, period_start, entered_at DESC, id DESC) INCLUDE (value);
CREATE INDEX progress_entered_by_idx ON progress_entries (entered_by, entered_at);

CREATE TABLE measure_status_updates (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    measure_id         bigint NOT NULL REFERENCES measures (id),
    status             text NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done', 'cancelled')),
    reason             text,
    comment            text,
    evidence           text,
    entered_by         bigint REFERENCES accounts (id),
    entered_at         timestamptz NOT NULL DEFAULT now(),
    supersedes_id      bigint UNIQUE,
    request_id         text,
    UNIQUE (id, measure_id),
    FOREIGN KEY (supersedes_id, measure_id) REFERENCES measure_status_updates (id, measure_id),
    CONSTRAINT measure_cancel_has_reason
        CHECK (status <> 'cancelled' OR (reason IS NOT NULL AND btrim(reason) <> ''))
);
CREATE INDEX measure_status_latest_idx ON measure_status_updates (measure_id, entered_at DESC, id DESC);

CREATE FUNCTION refuse_change_of_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: record a correction instead', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER progress_entries_append_only BEFORE UPDATE OR DELETE ON progress_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_history();
CREATE TRIGGER measure_status_updates_append_only BEFORE UPDATE OR DELETE ON measure_status_updates
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_history();

CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    account_id   bigint REFERENCES accounts (id),
    action       text NOT NULL,
    entity       text NOT NULL,
    entity_id    text,
    old_value    jsonb,
    new_value    jsonb,
    request_id   text
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at);

-- Facts about this database: whether the demo data is loaded, and of which scale.
CREATE TABLE installation_facts (
    key    text PRIMARY KEY,
    value  text NOT NULL,
    set_at timestamptz NOT NULL DEFAULT now()
);
