-- A prompt file taken in with the same content as an earlier one is said so in the log (it runs, and is paid, again):
-- one index seek, however long the history.
CREATE INDEX prompt_file_sha256 ON prompt_file (sha256);
