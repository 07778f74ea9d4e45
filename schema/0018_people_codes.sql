-- People get a stable code, by which the roadmap workbook's owners sheet names them. People
-- loaded before have `P-<id>`; a person inserted without a code gets the same.
ALTER TABLE people ADD COLUMN code text;
UPDATE people SET code = 'P-' || id;
ALTER TABLE people ALTER COLUMN code SET NOT NULL;
ALTER TABLE people ADD CONSTRAINT people_code_key UNIQUE (code);
ALTER TABLE people ADD CONSTRAINT people_code_check CHECK (code ~ '^[A-Za-z0-9._-]{1,64}$');

CREATE FUNCTION people_default_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.code IS NULL THEN
        NEW.code := 'P-' || NEW.id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER people_default_code BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION people_default_code();
