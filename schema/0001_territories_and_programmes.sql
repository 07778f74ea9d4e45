-- Territories, programmes (roadmaps), sections, indicators, targets and measures.
-- Exclusion constraints on validity periods need btree_gist (postgresql-contrib).
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE territories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kato        text UNIQUE CHECK (kato ~ '^[0-9]{9}$'),
    kind        text NOT NULL CHECK (kind IN ('republic', 'region', 'city_republican', 'city', 'district', 'city_district')),
    parent_id   bigint REFERENCES territories (id),
    name_kk     text NOT NULL CHECK (btrim(name_kk) <> ''),
    name_ru     text NOT NULL CHECK (btrim(name_ru) <> ''),
    name_en     text,
    valid_from  date NOT NULL DEFAULT DATE '1991-12-16',
    valid_to    date,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    CHECK ((kind = 'republic') = (parent_id IS NULL)),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX territories_parent_idx ON territories (parent_id);

-- A unit of measurement and the range of values that makes sense for it.
CREATE TABLE units (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
    name_kk     text NOT NULL,
    name_ru     text NOT NULL,
    name_en     text NOT NULL,
    min_value   double precision,
    max_value   double precision,
    CHECK (min_value IS NULL OR max_value IS NULL OR min_value < max_value)
);

INSERT INTO units (code, name_kk, name_ru, name_en, min_value, max_value) VALUES
    ('percent', '%', '%', '%', 0, 100),
    ('count', 'бірлік', 'единиц', 'units', 0, NULL),
    ('person', 'адам', 'человек', 'people', 0, NULL),
    ('family', 'отбасы', 'семей', 'families', 0, NULL),
    ('tenge_mln', 'млн теңге', 'млн тенге', 'million tenge', NULL, NULL),
    ('km', 'км', 'км', 'km', 0, NULL),
    ('m2_thousand', 'мың м²', 'тыс. м²', 'thousand m²', 0, NULL),
    ('hectare', 'га', 'га', 'ha', 0, NULL),
    ('days', 'күн', 'дней', 'days', 0, NULL),
    ('per_100k', '100 мың адамға', 'на 100 тыс. человек', 'per 100,000 people', 0, NULL),
    ('tree_thousand', 'мың түп', 'тыс. деревьев', 'thousand trees', 0, NULL);

CREATE TABLE programmes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9._-]+$'),
    level        text NOT NULL CHECK (level IN ('republic', 'region', 'city', 'district')),
    territory_id bigint NOT NULL REFERENCES territories (id),
    name_kk      text NOT NULL,
    name_ru      text NOT NULL,
    name_en      text,
    term_start   date NOT NULL,
    term_end     date NOT NULL,
    CHECK (term_end > term_start)
);
CREATE INDEX programmes_territory_idx ON programmes (territory_id);

CREATE TABLE sections (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id       bigint NOT NULL REFERENCES programmes (id),
    parent_id          bigint REFERENCES sections (id),
    code               text NOT NULL CHECK (btrim(code) <> ''),
    name_kk            text NOT NULL,
    name_ru            text NOT NULL,
    name_en            text,
    socially_sensitive boolean NOT NULL DEFAULT false,
    position           integer NOT NULL DEFAULT 0,
    UNIQUE (programme_id, code),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX sections_parent_idx ON sections (parent_id);

CREATE TABLE indicators (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    section_id    bigint NOT NULL REFERENCES sections (id),
    -- Codes are unique across programmes so that a progress report can name an indicator alone.
    code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9._-]+$'),
    name_kk       text NOT NULL,
    name_ru       text NOT NULL,
    name_en       text,
    unit          text NOT NULL REFERENCES units (code),
    direction     text NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    aggregation   text NOT NULL CHECK (aggregation IN ('sum', 'average', 'min', 'max', 'none')),
    accumulation  text NOT NULL CHECK (accumulation IN ('cumulative', 'level')),
    periodicity   text NOT NULL CHECK (periodicity IN ('quarterly', 'yearly')),
    position      integer NOT NULL DEFAULT 0
);
CREATE INDEX indicators_section_idx ON indicators (section_id);

-- The trajectory: a target per indicator x territory x period (period = its first day).
CREATE TABLE targets (
    indicator_id  bigint NOT NULL REFERENCES indicators (id),
    territory_id  bigint NOT NULL REFERENCES territories (id),
    period_start  date NOT NULL CHECK (extract(day FROM period_start) = 1 AND extract(month FROM period_start) IN (1, 4, 7, 10)),
    value         double precision NOT NULL CHECK (value NOT IN ('NaN', 'Infinity', '-Infinity')),
    PRIMARY KEY (indicator_id, territory_id, period_start)
);
CREATE INDEX targets_territory_period_idx ON targets (territory_id, period_start);

-- Checked once per statement (set-based, cheap for COPY of millions of rows): a target lies
-- inside its programme's term, matches the indicator's periodicity, and its territory lies
-- within the programme's territory.
CREATE FUNCTION targets_check_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.indicator_id, n.territory_id, n.period_start, i.code AS indicator_code,
           p.term_start, p.term_end, i.periodicity, p.territory_id AS programme_territory
      INTO bad
      FROM new_rows n
      JOIN indicators i ON i.id = n.indicator_id
      JOIN sections s ON s.id = i.section_id
      JOIN programmes p ON p.id = s.programme_id
     WHERE n.period_start < p.term_start
        OR (n.period_start + CASE i.periodicity WHEN 'yearly' THEN interval '1 year' ELSE interval '3 months' END) - interval '1 day' > p.term_end
        OR (i.periodicity = 'yearly' AND extract(month FROM n.period_start) <> 1)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'target of indicator % for period starting % lies outside the term % .. % or does not match its periodicity (%)',
            bad.indicator_code, bad.period_start, bad.term_start, bad.term_end, bad.periodicity
            USING ERRCODE = 'check_violation', CONSTRAINT = 'targets_within_term';
    END IF;

    -- One walk down from each programme's territory per statement, then an anti-join.
    WITH RECURSIVE involved AS (
        SELECT DISTINCT p.id AS programme_id, p.territory_id
          FROM new_rows n
          JOIN indicators i ON i.id = n.indicator_id
          JOIN sections s ON s.id = i.section_id
          JOIN programmes p ON p.id = s.programme_id
    ), within(programme_id, territory_id) AS (
        SELECT programme_id, territory_id FROM involved
        UNION
        SELECT w.programme_id, t.id FROM territories t JOIN within w ON t.parent_id = w.territory_id
    )
    SELECT n.indicator_id, n.territory_id, i.code AS indicator_code
      INTO bad
      FROM new_rows n
      JOIN indicators i ON i.id = n.indicator_id
      JOIN sections s ON s.id = i.section_id
     WHERE NOT EXISTS (SELECT 1 FROM within w WHERE w.programme_id = s.programme_id AND w.territory_id = n.territory_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'target of indicator % is set for territory % outside its programme''s territory',
            bad.indicator_code, bad.territory_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'targets_within_programme_territory';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER targets_check_inserted AFTER INSERT ON targets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION targets_check_rows();
CREATE TRIGGER targets_check_updated AFTER UPDATE ON targets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION targets_check_rows();

-- The roadmap's actions with a deadline and an executing organisation.
CREATE TABLE measures (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    section_id    bigint NOT NULL REFERENCES sections (id),
    territory_id  bigint NOT NULL REFERENCES territories (id),
    code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9._-]+$'),
    text_kk       text NOT NULL,
    text_ru       text NOT NULL,
    text_en       text,
    deadline      date NOT NULL,
    executor      text NOT NULL CHECK (btrim(executor) <> '')
);
CREATE INDEX measures_section_territory_idx ON measures (section_id, territory_id);
CREATE INDEX measures_territory_deadline_idx ON measures (territory_id, deadline);
