-- Entries' text is compressed with lz4 instead of PostgreSQL's default pglz. A poll stores a few KB of text per new
-- entry, and compressing it was most of the server's work: on the 1,000-feed bench (50,000 entries, 1.8 KB summary
-- and 3.9 KB content on average) pglz took 2.9 s of server time to lz4's 1.3 s, for a table 9% larger (110 MB
-- against 120 MB; uncompressed, 166 MB). SQLite does not compress at all. Applies to values stored from now on.
-- A server built without lz4 keeps pglz (a NOTICE to the migrating session; nothing fails).
DO $$
BEGIN
    ALTER TABLE entries
        ALTER COLUMN title        SET COMPRESSION lz4,
        ALTER COLUMN summary      SET COMPRESSION lz4,
        ALTER COLUMN content      SET COMPRESSION lz4,
        ALTER COLUMN summary_html SET COMPRESSION lz4,
        ALTER COLUMN content_html SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'this PostgreSQL has no lz4 (%): entries keep pglz compression', SQLERRM;
END
$$;
