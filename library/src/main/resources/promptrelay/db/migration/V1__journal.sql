-- One row per prompt file taken from the inbox, one per job it asked for, one per output written.
CREATE TABLE prompt_file (
    id            VARCHAR(36)   PRIMARY KEY,
    name          VARCHAR(1024) NOT NULL,
    held_path     VARCHAR(4096) NOT NULL,
    sha256        VARCHAR(64)   NOT NULL,
    state         VARCHAR(16)   NOT NULL,
    job_count     INTEGER       NOT NULL,
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at      TIMESTAMP WITH TIME ZONE,
    outcome_path  VARCHAR(4096)
);

CREATE TABLE job (
    id               VARCHAR(36)    PRIMARY KEY,
    prompt_file_id   VARCHAR(36)    NOT NULL REFERENCES prompt_file (id),
    seq              INTEGER        NOT NULL,
    provider         VARCHAR(32)    NOT NULL,
    model            VARCHAR(256)   NOT NULL,
    spec             VARCHAR(100000) NOT NULL,
    state            VARCHAR(16)    NOT NULL,
    task_id          VARCHAR(256),
    provider_status  VARCHAR(64),
    polls            INTEGER        DEFAULT 0 NOT NULL,
    error            VARCHAR(100000),
    next_step        VARCHAR(4096),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    submitted_at     TIMESTAMP WITH TIME ZONE,
    completed_at     TIMESTAMP WITH TIME ZONE,
    ended_at         TIMESTAMP WITH TIME ZONE,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX job_state ON job (state, provider);
CREATE INDEX job_prompt_file ON job (prompt_file_id);

CREATE TABLE job_output (
    job_id        VARCHAR(36)   NOT NULL REFERENCES job (id),
    output_index  INTEGER       NOT NULL,
    path          VARCHAR(4096) NOT NULL,
    bytes         BIGINT        NOT NULL,
    sha256        VARCHAR(64)   NOT NULL,
    written_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job_id, output_index)
);
