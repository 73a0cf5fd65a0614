-- Where a request came from (inbox, api, embedded, schedule, or an intake's name: promptrelay.intake.<name>.uri), and
-- for an intake the message's own identity there, so one redelivered after a crash is known and not taken in twice.
ALTER TABLE prompt_file ADD COLUMN intake VARCHAR(64);
ALTER TABLE prompt_file ADD COLUMN intake_key VARCHAR(512);
CREATE UNIQUE INDEX prompt_file_intake_key ON prompt_file (intake, intake_key);

-- Each output and summary an outlet (promptrelay.outlet.<name>.uri) is to receive: journaled with the output, or with
-- the end of its prompt file, and kept until the outlet took it. The file itself stays in the outbox.
CREATE TABLE outlet_delivery (
    id             VARCHAR(36)   PRIMARY KEY,
    outlet         VARCHAR(64)   NOT NULL,
    kind           VARCHAR(16)   NOT NULL,
    prompt_file_id VARCHAR(36)   NOT NULL,
    job_id         VARCHAR(36),
    path           VARCHAR(4096) NOT NULL,
    state          VARCHAR(16)   NOT NULL,
    attempts       INTEGER       DEFAULT 0 NOT NULL,
    last_error     VARCHAR(4096),
    due_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    claimed_by     VARCHAR(128),
    claimed_until  TIMESTAMP WITH TIME ZONE,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    delivered_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX outlet_delivery_due ON outlet_delivery (state, due_at);
CREATE INDEX outlet_delivery_prompt_file ON outlet_delivery (prompt_file_id);
