-- PostgreSQL twin of ../0002_search_index.sql: the index `aggregator search` narrows a scan with. A row per entry
-- holds the entry's words as a tsvector, folded by our own code (Rules/TextTokens, as the matcher folds them) and
-- stored as they are (array_to_tsvector: no parser or dictionary of PostgreSQL's in between), with a GIN index. In a
-- table of its own, filled by search itself from search_index.last_entry_id on: a poll never pays for it, and the
-- entries' rows are never rewritten to add it.
CREATE TABLE entries_search (
    entry_id bigint   PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    words    tsvector NOT NULL
);
CREATE INDEX entries_search_words ON entries_search USING gin (words);

CREATE TABLE search_index (
    last_entry_id bigint NOT NULL  -- entries up to this id are in entries_search
);
INSERT INTO search_index (last_entry_id) VALUES (0);
