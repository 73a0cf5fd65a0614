-- Whether the built-in sandbox answered a job: every report of a result says so, whatever the settings are later.
ALTER TABLE job ADD COLUMN sandbox BOOLEAN DEFAULT FALSE NOT NULL;
