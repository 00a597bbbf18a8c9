-- PostgreSQL compresses entries' text with lz4 from this migration on (postgres/0016_entry_text_compression.sql).
-- SQLite stores text uncompressed: nothing to change. The number is kept so that both engines count the same.
SELECT 1;
