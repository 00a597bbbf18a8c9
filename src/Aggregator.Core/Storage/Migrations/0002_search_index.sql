-- Full-text index of title, summary and content for `aggregator search`: it finds candidates fast, and
-- the rule matcher decides (so search answers exactly as the rules do). External content: the text is
-- stored once, in entries. unicode61 folds case and accents like the matcher does.
--
-- No triggers: indexing on every insert doubled the time of a first poll cycle (the single writer is the
-- bottleneck there). Search brings the index up to date itself, from search_index.last_entry_id on.
CREATE VIRTUAL TABLE entries_fts USING fts5(
    title, summary, content,
    content = 'entries', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE search_index (
    last_entry_id INTEGER NOT NULL  -- entries up to this id are in entries_fts
);
INSERT INTO search_index (last_entry_id) VALUES (0);
