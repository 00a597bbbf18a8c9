-- PostgreSQL twin of ../0003_digests.sql.
ALTER TABLE outbox ADD COLUMN digest_key text;
CREATE INDEX outbox_digest ON outbox (notifier, digest_key) WHERE digest_key IS NOT NULL;
