-- A roadmap workbook between its preview and the importer's confirmation: kept for an hour,
-- for the account that uploaded it only.
CREATE TABLE roadmap_uploads (
    id            text PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES accounts (id),
    data          bytea NOT NULL,
    retire_absent boolean NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX roadmap_uploads_created_idx ON roadmap_uploads (created_at);
