-- Login attempts are counted per name tried, known or not, and each attempt is counted before
-- its password is checked: parallel guesses can no longer all be checked against the hash while
-- the counter lags behind, and an unknown username is throttled exactly like a real one, so the
-- answer's timing does not tell which usernames exist.
CREATE TABLE login_attempts (
    name         text PRIMARY KEY,
    -- Attempts in a row without a success, the one under way included.
    attempts     integer NOT NULL CHECK (attempts >= 0),
    last_at      timestamptz NOT NULL,
    locked_until timestamptz
);
