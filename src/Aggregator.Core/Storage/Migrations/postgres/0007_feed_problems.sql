-- PostgreSQL twin of ../0007_feed_problems.sql.
ALTER TABLE feeds ADD COLUMN last_problems jsonb;
