-- A run used to stamp every flag it found again with its id: a nightly national run rewrote
-- millions of unchanged flags. Now a run writes only the flags whose state it changes (opened,
-- reopened, resolved); an open or explained flag is, by definition, still found by the latest run
-- covering its territory. The column says what it now holds.
ALTER TABLE flags RENAME COLUMN last_run_id TO changed_in_run_id;
