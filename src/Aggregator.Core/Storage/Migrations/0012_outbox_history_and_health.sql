-- Operational alerts (a feed failing, a notifier down) go through the outbox like any alert but belong to no match:
-- outbox.match_id becomes nullable. SQLite cannot drop a NOT NULL, so the table is rebuilt with every row and id; the
-- view that reads it (alerts) is dropped first and created again as 0008 made it, and so are its indexes.
DROP VIEW alerts;

CREATE TABLE outbox_new (
    id              TEXT    PRIMARY KEY,      -- delivery id: X-Aggregator-Delivery, the email's Message-ID
    match_id        INTEGER REFERENCES matches (id) ON DELETE CASCADE, -- NULL: an operational alert
    notifier        TEXT    NOT NULL,
    payload         TEXT    NOT NULL,         -- the alert as JSON, fixed when the match was stored
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    delivered_at    TEXT,
    digest_key      TEXT,
    UNIQUE (match_id, notifier)
);
INSERT INTO outbox_new (rowid, id, match_id, notifier, payload, status, attempts, next_attempt_at, last_error, created_at, delivered_at, digest_key)
SELECT rowid, id, match_id, notifier, payload, status, attempts, next_attempt_at, last_error, created_at, delivered_at, digest_key FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_digest ON outbox (notifier, digest_key) WHERE digest_key IS NOT NULL;

CREATE VIEW alerts AS
SELECT o.id            AS delivery_id,
       o.notifier      AS notifier,
       o.status        AS status,          -- pending, delivered or dead
       o.attempts      AS attempts,
       o.created_at    AS queued_at,
       o.delivered_at  AS delivered_at,
       o.next_attempt_at AS next_attempt_at,
       o.last_error    AS last_error,
       o.digest_key    AS digest,          -- NULL unless the rule sends digests
       m.rule          AS rule,
       m.terms         AS terms,           -- JSON array of the query terms that hit
       m.matched_at    AS matched_at,
       f.name          AS feed,
       e.id            AS entry_id,
       e.title         AS title,
       e.link          AS link,
       COALESCE(e.published_at, e.fetched_at) AS published_at
FROM outbox o
JOIN matches m ON m.id = o.match_id
JOIN entries e ON e.id = m.entry_id
JOIN feeds f ON f.id = e.feed_id
WHERE m.duplicate_of IS NULL;

-- Every attempt to deliver an outbox row, written in the transaction that updates the row (`aggregator outbox show`).
-- A digest's attempt is recorded on each of its rows.
CREATE TABLE outbox_attempts (
    id           INTEGER PRIMARY KEY,
    outbox_id    TEXT    NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    notifier     TEXT    NOT NULL,            -- the row's, kept here so "is this notifier failing" reads one table
    attempted_at TEXT    NOT NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('delivered', 'failed', 'dead')),
    error        TEXT,                        -- one sentence; NULL when delivered
    node         TEXT                         -- the node that tried (PostgreSQL cluster); NULL on SQLite
);
CREATE INDEX outbox_attempts_outbox ON outbox_attempts (outbox_id, attempted_at);
CREATE INDEX outbox_attempts_notifier ON outbox_attempts (notifier, attempted_at);

-- What the monitor knows to be wrong with itself (Aggregator:Health:Notify): one row per problem from when it was
-- seen until it ended. At most one open row per subject (the partial unique index): the node whose insert lands
-- queues the alert, in the same transaction, so an alert goes out once per change of state whoever evaluates.
CREATE TABLE health_problems (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,            -- feed_failing, feed_gone, feed_moved, feed_silent, dead_letter, notifier_failing
    subject      TEXT    NOT NULL,            -- the feed's name, the delivery id, or the notifier's name
    detail       TEXT    NOT NULL,            -- one sentence, as alerted
    since        TEXT    NOT NULL,            -- when it was seen
    ended_at     TEXT                         -- when it ended (NULL: still open)
);
CREATE UNIQUE INDEX health_problems_open ON health_problems (kind, subject) WHERE ended_at IS NULL;
