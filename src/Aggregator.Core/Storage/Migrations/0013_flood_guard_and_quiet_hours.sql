-- Flood guard and quiet hours (issue 18). A rule's alerts beyond its "limit" in a window, and alerts made during quiet
-- hours, are held in the outbox as a digest (digest_key names the window or the quiet period) due at its end; held says
-- why: 'limit' or 'quiet', NULL for an alert sent as it comes or a digest rule's row. A held row knows its due time
-- when it is stored, so no release step can be lost in a crash.
ALTER TABLE outbox ADD COLUMN held TEXT CHECK (held IN ('limit', 'quiet'));

-- How many alerts a rule has queued for a notifier in the current flood-guard window, counted in the transaction
-- that queues them (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so two nodes queueing at once count right.
-- Only the current window's row is kept per rule and notifier.
CREATE TABLE alert_counts (
    rule         TEXT    NOT NULL,
    notifier     TEXT    NOT NULL,
    window_start TEXT    NOT NULL,
    alerts       INTEGER NOT NULL,
    PRIMARY KEY (rule, notifier, window_start)
);
