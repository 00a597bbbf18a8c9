-- PostgreSQL twin of ../0004_enclosures.sql.
ALTER TABLE entries ADD COLUMN enclosures jsonb NOT NULL DEFAULT '[]';
