-- How many changes the embedded journal has committed: it only grows, so the watermark compares this one figure
-- (one read) where it counted rows of whole tables once a second, counts that a retried job even made go down.
CREATE TABLE journal_clock (
    id       INTEGER PRIMARY KEY,
    changes  BIGINT  NOT NULL
);
INSERT INTO journal_clock (id, changes) VALUES (1, 0);
