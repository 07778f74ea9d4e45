-- An idempotency key keeps the result of the write it guarded (the recorded entry, as JSON),
-- not an HTTP answer: the pages and the API replay the same result in their own way.
ALTER TABLE idempotency_keys DROP COLUMN response_status;
ALTER TABLE idempotency_keys RENAME COLUMN response_body TO result;
