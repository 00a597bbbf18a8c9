-- Digest rules: a match of a rule with "digest" waits for the end of its period and goes out in one
-- message with the rule's other matches of that period for the same notifier. digest_key names the
-- period and the rule, "START/END RULE" (an ISO 8601 interval, then the rule name); NULL for alerts sent
-- one by one. next_attempt_at of a digest row is the end of its period.
ALTER TABLE outbox ADD COLUMN digest_key TEXT;
CREATE INDEX outbox_digest ON outbox (notifier, digest_key) WHERE digest_key IS NOT NULL;
