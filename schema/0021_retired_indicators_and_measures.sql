-- An indicator or measure left out of a new workbook is retired when the importer asks for it:
-- kept, with the day it ended. Nothing is deleted — values reported against it, frozen runs and
-- the audit trail still name it. From that day it is not judged, due, exported or compared.
ALTER TABLE indicators ADD COLUMN retired_on date;
ALTER TABLE measures ADD COLUMN retired_on date;

-- Whether a revision eased its target once the period had begun, decided when it is proposed
-- (by the same rule that makes it wait for a second person), and when a pending one was
-- withdrawn: a report regenerated later lists what its run's day knew.
ALTER TABLE target_revisions ADD COLUMN eased_after_start boolean NOT NULL DEFAULT false;
ALTER TABLE target_revisions ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE target_revisions ADD CONSTRAINT target_revisions_withdrawn_when CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL));
