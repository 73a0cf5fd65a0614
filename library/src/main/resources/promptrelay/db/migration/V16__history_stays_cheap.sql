-- A journal with a long history: the listing's newest-first page and the start's look at files under way read an
-- index, never every request.
CREATE INDEX prompt_file_newest ON prompt_file (received_at DESC, id DESC);
CREATE INDEX prompt_file_state ON prompt_file (state);
