-- What a job cost, where its provider's answer says (Replicate's compute seconds, BFL's credits) or its profile sets
-- a price per image: summed per request and per provider for the user, in the unit the provider counts in.
ALTER TABLE job ADD COLUMN cost DOUBLE PRECISION;
ALTER TABLE job ADD COLUMN cost_unit VARCHAR(32);
