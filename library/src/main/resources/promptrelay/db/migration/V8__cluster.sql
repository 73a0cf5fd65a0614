-- Several nodes on one database: which node works on a job, and from whom a job was taken over after its node's
-- lease ran out (a node's lease on all its jobs is its heartbeat in cluster_node). One row per provider, locked while
-- a node claims that provider's jobs, so the provider's cap on tasks in flight holds across nodes.
ALTER TABLE job ADD COLUMN owner VARCHAR(128);
ALTER TABLE job ADD COLUMN taken_from VARCHAR(128);
CREATE INDEX job_owner ON job (owner, state);
CREATE INDEX job_taken_from ON job (taken_from);

CREATE TABLE provider_claim (
    provider VARCHAR(32) PRIMARY KEY
);

-- The nodes working on this journal, as last seen (renewed every promptrelay.cluster.renew-seconds): a node not seen
-- within promptrelay.cluster.lease-seconds has lost its jobs to the others; the cap is shared among the live ones.
CREATE TABLE cluster_node (
    id       VARCHAR(128) PRIMARY KEY,
    seen_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
