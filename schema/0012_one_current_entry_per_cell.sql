-- A value is reported in one statement now, without first locking the cell's target, so the
-- history's shape is kept by the schema instead: one first entry per indicator × territory ×
-- period (this index) and each entry corrected at most once (the unique supersedes_id of 0003).
-- The entries of a cell then form a single line, and of two writes racing for the same cell the
-- second fails and is answered as "a value exists" or "not the current entry".
CREATE UNIQUE INDEX progress_one_first_entry ON progress_entries (indicator_id, territory_id, period_start) WHERE supersedes_id IS NULL;
