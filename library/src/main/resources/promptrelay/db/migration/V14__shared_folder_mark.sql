-- The mark of the folder the nodes of one journal share (promptrelay.shared-dir): written into that folder by the
-- first node, so a node started with another folder (whose files the others could never reach) is refused at start.
CREATE TABLE shared_folder_mark (
    id         INTEGER PRIMARY KEY,
    mark       VARCHAR(64) NOT NULL,
    shared_dir VARCHAR(4096) NOT NULL,
    node       VARCHAR(128) NOT NULL,
    marked_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
