-- Flags are written by the thousands at the end of every run: checking four foreign keys per
-- row made that step the slowest of a national run. Runs and the plan are never deleted, and
-- flags are only ever written from a run's own results, so the run references need no check.
ALTER TABLE flags DROP CONSTRAINT flags_first_run_id_fkey;
ALTER TABLE flags DROP CONSTRAINT flags_last_run_id_fkey;
ALTER TABLE flags DROP CONSTRAINT flags_programme_id_fkey;
