-- PostgreSQL twin of ../0005_entry_dates.sql: entries by their date, or when first seen, per feed.
DROP INDEX entries_published;
CREATE INDEX entries_feed_date ON entries (feed_id, COALESCE(published_at, fetched_at));
