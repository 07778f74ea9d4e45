-- How many values a coordinator still owes is "targets minus reported cells" over the coordinator's
-- territories and periods. Targets are counted through targets_territory_period_idx; this index
-- counts the reported cells (each has exactly one first entry, progress_one_first_entry) of the
-- same territories and periods without visiting the table. The anti-join it replaces visited every
-- target of a region's term, one index descent each (about 5 s on the national data).
CREATE INDEX progress_first_entry_by_territory ON progress_entries (territory_id, period_start) INCLUDE (indicator_id)
    WHERE supersedes_id IS NULL;
