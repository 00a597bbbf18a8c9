-- Nodes: each `aggregator run` has a row, written at start and at every heartbeat (Aggregator:Cluster:Heartbeat), so
-- that `aggregator status` and /healthz show who runs and who is alive. On SQLite there is one at a time (the
-- delivery lock keeps a second service off the file). The claims several PostgreSQL nodes need are PostgreSQL's
-- alone (postgres/0010_cluster.sql): SQLite's single process needs none, and its poll writes stay as they were.
CREATE TABLE nodes (
    id                TEXT    PRIMARY KEY,  -- host-pid-random, new for each run
    host              TEXT    NOT NULL,
    pid               INTEGER NOT NULL,
    started_at        TEXT    NOT NULL,
    last_heartbeat_at TEXT    NOT NULL,
    stopped_at        TEXT                  -- set by a clean stop; a killed node keeps NULL and stops beating
);
