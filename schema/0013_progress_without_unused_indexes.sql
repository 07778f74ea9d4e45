-- Every reported value paid for two indexes no query uses: entries by territory and period (every
-- read of progress goes by indicator × territory × period, through progress_latest_idx) and
-- entries by who entered them (accounts are disabled, never deleted, so the foreign key needs no
-- index either). The planner also picked the territory index for "the current entry" of an empty
-- cell, reading a whole territory's quarter to find nothing.
DROP INDEX progress_entries_territory_idx;
DROP INDEX progress_entered_by_idx;
