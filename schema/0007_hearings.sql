-- Faction hearings: what deputies hear officials on, the frozen run the report is built from,
-- the officials heard and the resolutions adopted. Resolutions are measures (the evaluator
-- already judges measures by deadline and status), linked back to the hearing that adopted them.

CREATE TABLE hearings (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id         bigint NOT NULL REFERENCES programmes (id),
    -- The Mazhilis faction sits for the republic; a maslikhat faction for its region, city or district.
    faction              text NOT NULL CHECK (faction IN ('mazhilis', 'maslikhat')),
    faction_territory_id bigint NOT NULL REFERENCES territories (id),
    held_on              date NOT NULL,
    title                text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 300),
    -- The territory the hearing looks at, and how many levels below it the report goes.
    territory_id         bigint NOT NULL REFERENCES territories (id),
    depth                integer NOT NULL DEFAULT 1 CHECK (depth BETWEEN 0 AND 3),
    sections_choice      text NOT NULL CHECK (sections_choice IN ('all', 'socially_sensitive', 'chosen')),
    run_id               bigint NOT NULL REFERENCES evaluation_runs (id),
    status               text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held')),
    created_by           bigint REFERENCES accounts (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hearings_faction_idx ON hearings (faction, faction_territory_id, held_on);
CREATE INDEX hearings_territory_idx ON hearings (territory_id);

CREATE TABLE hearing_sections (
    hearing_id  bigint NOT NULL REFERENCES hearings (id) ON DELETE CASCADE,
    section_id  bigint NOT NULL REFERENCES sections (id),
    PRIMARY KEY (hearing_id, section_id)
);

CREATE TABLE hearing_officials (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hearing_id    bigint NOT NULL REFERENCES hearings (id) ON DELETE CASCADE,
    position      integer NOT NULL,
    name          text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    office        text NOT NULL CHECK (btrim(office) <> '' AND length(office) <= 300),
    territory_id  bigint NOT NULL REFERENCES territories (id),
    UNIQUE (hearing_id, position)
);

CREATE TABLE hearing_resolutions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hearing_id  bigint NOT NULL REFERENCES hearings (id),
    measure_id  bigint NOT NULL UNIQUE REFERENCES measures (id),
    owner_id    bigint REFERENCES people (id),
    created_by  bigint REFERENCES accounts (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hearing_resolutions_hearing_idx ON hearing_resolutions (hearing_id);

-- A held hearing keeps the run its report was read from.
CREATE FUNCTION hearings_keep_run_when_held() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'held' AND NEW.run_id <> OLD.run_id THEN
        RAISE EXCEPTION 'hearing % was held: its evaluation run cannot change', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hearings_run_frozen_when_held';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER hearings_keep_run BEFORE UPDATE ON hearings FOR EACH ROW EXECUTE FUNCTION hearings_keep_run_when_held();
