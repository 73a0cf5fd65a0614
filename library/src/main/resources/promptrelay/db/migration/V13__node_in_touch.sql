-- Since when each node has been in touch with the journal without a gap longer than a lease: a node that was itself
-- out of touch (the database away for all of them) does not judge the others' leases until it has been back for a
-- lease, so an outage every node shared does not look like every other node dying.
ALTER TABLE cluster_node ADD COLUMN in_touch_since TIMESTAMP WITH TIME ZONE;
