-- Lookups per job that must not grow with the size of a prompt file or of the queue (a file of 2,000 jobs made the
-- end-of-file check and the claim read every job of it, each time one ended).
-- whether a file still has jobs in a given state: one index seek per state
CREATE INDEX job_file_state ON job (prompt_file_id, state);
-- the same columns lead job_queue, whose order the claim reads in
DROP INDEX job_state;
