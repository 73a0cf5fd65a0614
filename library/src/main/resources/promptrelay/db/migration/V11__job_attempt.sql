-- Each time a job is queued again (a retry) it starts a new attempt: a submit, poll or end planned for an earlier one
-- changes nothing, so a cancel followed at once by a retry can never let the old submit through as well.
ALTER TABLE job ADD COLUMN attempt INTEGER DEFAULT 0 NOT NULL;
