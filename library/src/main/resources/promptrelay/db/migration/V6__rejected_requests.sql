-- A request rejected at validation is listed like the others, with why and what to do.
ALTER TABLE prompt_file ADD COLUMN error VARCHAR(4096);
ALTER TABLE prompt_file ADD COLUMN what_to_do VARCHAR(4096);
