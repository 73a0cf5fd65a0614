-- Several nodes on one database: who works on a job, until when (a lease the node renews), and from whom a job was
-- taken over after its node's lease ran out. One row per provider, locked while a node claims that provider's jobs,
-- so the provider's cap on tasks in flight holds across nodes.
ALTER TABLE job ADD COLUMN owner VARCHAR(128);
ALTER TABLE job ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE job ADD COLUMN taken_from VARCHAR(128);
CREATE INDEX job_owner ON job (owner, state);

CREATE TABLE provider_claim (
    provider VARCHAR(32) PRIMARY KEY
);

-- The nodes working on this journal, as last seen: a provider's cap is shared fairly among the live ones.
CREATE TABLE cluster_node (
    id       VARCHAR(128) PRIMARY KEY,
    seen_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
