-- PostgreSQL twin of ../0013_flood_guard_and_quiet_hours.sql.
ALTER TABLE outbox ADD COLUMN held text CHECK (held IN ('limit', 'quiet'));

CREATE TABLE alert_counts (
    rule         text        NOT NULL,
    notifier     text        NOT NULL,
    window_start timestamptz NOT NULL,
    alerts       bigint      NOT NULL,
    PRIMARY KEY (rule, notifier, window_start)
);
