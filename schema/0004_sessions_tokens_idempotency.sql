-- Sessions (shared by every server instance), API tokens and idempotency keys.
-- Secrets are never stored: only their SHA-256.

CREATE TABLE sessions (
    token_hash    text PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES accounts (id),
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES accounts (id),
    token_hash    text NOT NULL UNIQUE,
    name          text NOT NULL CHECK (btrim(name) <> ''),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint REFERENCES accounts (id),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);

-- A retried write with the same key and body gets the first answer back and creates nothing.
CREATE TABLE idempotency_keys (
    account_id      bigint NOT NULL REFERENCES accounts (id),
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash    text NOT NULL,
    response_status integer,
    response_body   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

CREATE INDEX progress_entries_territory_idx ON progress_entries (territory_id, period_start);
