-- People, the accounts some of them log in with, roles with a territorial scope, and the
-- ownership of sections (Bureau) and indicators per territory (Political Councils).

CREATE TABLE people (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name_kk      text NOT NULL CHECK (btrim(name_kk) <> ''),
    name_ru      text NOT NULL CHECK (btrim(name_ru) <> ''),
    name_en      text,
    position_kk  text,
    position_ru  text,
    position_en  text,
    email        text,
    territory_id bigint REFERENCES territories (id)
);

CREATE TABLE accounts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id        bigint REFERENCES people (id),
    username         text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
    password_hash    text NOT NULL,
    preferred_lang   text NOT NULL DEFAULT 'ru' CHECK (preferred_lang IN ('kk', 'ru', 'en')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    disabled_at      timestamptz,
    failed_logins    integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until     timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- A role held by an account. The scope territory means "this territory and everything below";
-- Bureau members are scoped by the sections they own rather than by a territory.
CREATE TABLE account_roles (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES accounts (id),
    role          text NOT NULL CHECK (role IN ('administrator', 'coordinator', 'bureau_member', 'council_member', 'faction_staff', 'observer')),
    territory_id  bigint REFERENCES territories (id),
    granted_at    timestamptz NOT NULL DEFAULT now(),
    granted_by    bigint REFERENCES accounts (id),
    revoked_at    timestamptz,
    CHECK (role IN ('administrator', 'bureau_member') OR territory_id IS NOT NULL)
);
CREATE UNIQUE INDEX account_roles_active_uniq ON account_roles (account_id, role, coalesce(territory_id, 0)) WHERE revoked_at IS NULL;

-- Section -> Bureau member. Validity periods of one section never overlap, so a handover
-- closes one row and opens the next and "who owned it on date D" has one answer.
CREATE TABLE section_owners (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    section_id  bigint NOT NULL REFERENCES sections (id),
    person_id   bigint NOT NULL REFERENCES people (id),
    valid_from  date NOT NULL,
    valid_to    date,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    EXCLUDE USING gist (section_id WITH =, daterange(valid_from, valid_to) WITH &&)
);
CREATE INDEX section_owners_person_idx ON section_owners (person_id);

-- Indicator x territory -> Political Council member of that territory's level.
CREATE TABLE indicator_owners (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator_id  bigint NOT NULL REFERENCES indicators (id),
    territory_id  bigint NOT NULL REFERENCES territories (id),
    person_id     bigint NOT NULL REFERENCES people (id),
    valid_from    date NOT NULL,
    valid_to      date,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    EXCLUDE USING gist (indicator_id WITH =, territory_id WITH =, daterange(valid_from, valid_to) WITH &&)
);
CREATE INDEX indicator_owners_person_idx ON indicator_owners (person_id);
