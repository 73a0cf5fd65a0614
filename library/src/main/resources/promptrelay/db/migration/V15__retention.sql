-- promptrelay.journal.keep-days finds the requests that ended before a day without reading the others.
CREATE INDEX prompt_file_ended ON prompt_file (ended_at);
