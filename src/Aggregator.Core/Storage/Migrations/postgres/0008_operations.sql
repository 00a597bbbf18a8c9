-- PostgreSQL twin of ../0008_operations.sql: the same column and views, in PostgreSQL's types.
-- A server that answered 429 or 503 with Retry-After asked us to wait: not before this time, by the service or
-- by `aggregator poll` (unless --force). NULL when nothing was asked; cleared by the next successful poll.
ALTER TABLE feeds ADD COLUMN retry_after timestamptz;

-- Views for people who query the database with sqlite3 (README, "Database"). They are the stable surface:
-- later migrations may change the tables under them, but keep these columns and their meaning.

-- Every alert sent or waiting: one row per delivery of a match to a notifier. Matches recorded as duplicates of
-- a story the rule had already alerted on are not alerts (they have no delivery) and are left out.
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

-- One row per feed with the state `aggregator status` shows.
CREATE VIEW feed_health AS
SELECT f.name,
       f.url,
       CASE WHEN NOT f.enabled THEN 'disabled'
            WHEN f.gone_at IS NOT NULL THEN 'gone'
            WHEN f.error_count > 0 THEN 'erroring'
            WHEN f.last_success_at IS NULL THEN 'new'
            ELSE 'ok' END AS state,
       f.tags,
       f.last_checked_at,
       f.last_success_at,
       f.last_status,
       f.error_count,
       f.last_error,
       f.next_check_at,
       f.retry_after,
       f.gone_at,
       (SELECT count(*) FROM entries e WHERE e.feed_id = f.id) AS entries,
       (SELECT max(e.fetched_at) FROM entries e WHERE e.feed_id = f.id) AS last_new_entry_at
FROM feeds f;

-- Entries first stored in the last 7 days, with their feed's name; `published_at` is the entry's date or, for
-- one without, when it was stored (the order `aggregator entries` uses).
CREATE VIEW recent_entries AS
SELECT e.id,
       f.name AS feed,
       COALESCE(e.published_at, e.fetched_at) AS published_at,
       e.fetched_at,
       e.title,
       e.link,
       e.author,
       e.summary
FROM entries e
JOIN feeds f ON f.id = e.feed_id
WHERE e.fetched_at >= now() - interval '7 days';

-- Retention (Storage/Retention.cs) clears duplicate_of where it names a match it removes.
CREATE INDEX matches_duplicate_of ON matches (duplicate_of) WHERE duplicate_of IS NOT NULL;
