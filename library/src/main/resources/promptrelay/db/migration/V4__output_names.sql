-- An output's name is journaled before it is downloaded (state 'reserved'), so a restart finishes it under the same
-- name; 'staged' means it was downloaded into the state directory while the outbox could not take it. Two jobs can
-- never be given the same name.
ALTER TABLE job_output ADD COLUMN state VARCHAR(16) DEFAULT 'written' NOT NULL;
ALTER TABLE job_output ALTER COLUMN bytes DROP NOT NULL;
ALTER TABLE job_output ALTER COLUMN sha256 DROP NOT NULL;
ALTER TABLE job_output ALTER COLUMN written_at DROP NOT NULL;
CREATE UNIQUE INDEX job_output_path ON job_output (path);
