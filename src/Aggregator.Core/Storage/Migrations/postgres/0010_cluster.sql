-- PostgreSQL twin of ../0010_cluster.sql, and what several nodes on one database need besides.

CREATE TABLE nodes (
    id                text        PRIMARY KEY,
    host              text        NOT NULL,
    pid               bigint      NOT NULL,
    started_at        timestamptz NOT NULL,
    last_heartbeat_at timestamptz NOT NULL,
    stopped_at        timestamptz
);

-- A claim: the node polling a feed, or delivering an outbox row, until claim_until (the lease, renewed while the node
-- lives). Another node takes a row over only once its lease has ended, so a node that dies hands its work on within
-- one lease. NULL: nobody's.
ALTER TABLE feeds
    ADD COLUMN claimed_by      text,
    ADD COLUMN claim_until     timestamptz,
    ADD COLUMN last_checked_by text;         -- the node whose poll this feed's last check was
ALTER TABLE outbox
    ADD COLUMN claimed_by   text,
    ADD COLUMN claim_until  timestamptz,
    ADD COLUMN delivered_by text;            -- the node that delivered it

CREATE INDEX feeds_claimed ON feeds (claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX feeds_checked_by ON feeds (last_checked_at, last_checked_by);
CREATE INDEX outbox_claimed ON outbox (claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX outbox_delivered_by ON outbox (delivered_at, delivered_by) WHERE delivered_by IS NOT NULL;
