-- An indicator or measure left out of a new workbook is retired when the importer asks for it:
-- kept, with the day it ended. Nothing is deleted — values reported against it, frozen runs and
-- the audit trail still name it. From that day it is not judged, due, exported or compared.
ALTER TABLE indicators ADD COLUMN retired_on date;
ALTER TABLE measures ADD COLUMN retired_on date;
