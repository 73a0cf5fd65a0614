-- Poll plans: a model's live ends are read apart from its sandbox ones (the sandbox's placeholder tasks say nothing of
-- a provider's pace), and a model never run is planned from the newest ends of the provider's other models, each read
-- in an index's order without reading every task the provider ever ran.
DROP INDEX job_completed;
CREATE INDEX job_completed ON job (provider, model, sandbox, completed_at DESC);
CREATE INDEX job_provider_completed ON job (provider, sandbox, completed_at DESC);
