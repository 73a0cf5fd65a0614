-- A prompt file may name the outbox folder its outputs and summary go to (a schedule's fires share one); empty: the
-- folder named after the file.
ALTER TABLE prompt_file ADD COLUMN output_folder VARCHAR(1024);
