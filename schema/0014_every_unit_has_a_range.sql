-- Every unit gets an upper bound (and money a lower one). Without it a value of 9.3e18 people was
-- accepted, and every page and report that showed it had to cope with a figure no programme has.
-- The bounds are generous: they catch typos and hostile input, not ambitious targets.
UPDATE units SET max_value = 1e9 WHERE code = 'count';
UPDATE units SET max_value = 1e8 WHERE code = 'person';
UPDATE units SET max_value = 1e7 WHERE code = 'family';
UPDATE units SET min_value = -1e9, max_value = 1e9 WHERE code = 'tenge_mln';
UPDATE units SET max_value = 1e7 WHERE code = 'km';
UPDATE units SET max_value = 1e7 WHERE code = 'm2_thousand';
UPDATE units SET max_value = 3e8 WHERE code = 'hectare';
UPDATE units SET max_value = 1e5 WHERE code = 'days';
UPDATE units SET max_value = 1e6 WHERE code = 'per_100k';
UPDATE units SET max_value = 1e7 WHERE code = 'tree_thousand';
UPDATE units SET max_value = 1e12 WHERE max_value IS NULL;
UPDATE units SET min_value = -1e12 WHERE min_value IS NULL;
ALTER TABLE units ALTER COLUMN min_value SET NOT NULL, ALTER COLUMN max_value SET NOT NULL;
ALTER TABLE units ADD CHECK (min_value >= -1e12 AND max_value <= 1e12);
