-- A programme's reporting calendar (ReportingCalendar): a period's values are due
-- values_due_days after the period ends, and the period closes for entry entry_closes_days after
-- that deadline. The bounds are the rule's own; the defaults are the party's.
ALTER TABLE programmes
    ADD COLUMN values_due_days   integer NOT NULL DEFAULT 15 CHECK (values_due_days BETWEEN 0 AND 366),
    ADD COLUMN entry_closes_days integer NOT NULL DEFAULT 30 CHECK (entry_closes_days BETWEEN 1 AND 366);

-- Held hearings are looked up by the territory a write names and its ancestors.
CREATE INDEX hearings_held_territory_idx ON hearings (territory_id) WHERE status = 'held';
