-- A model never run before is planned from what the provider's other models took lately: the newest ends of a
-- provider, read in this index's order, without reading every task it ever ran.
CREATE INDEX job_provider_completed ON job (provider, completed_at DESC);
