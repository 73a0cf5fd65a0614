-- Queued jobs are claimed oldest first, and poll plans read a model's latest durations: both straight off an index,
-- without sorting every queued or finished job each time.
CREATE INDEX job_queue ON job (state, provider, created_at, seq);
CREATE INDEX job_completed ON job (provider, model, completed_at DESC);
