-- PostgreSQL twin of ../0006_entry_language_and_search.sql: the entry's language (for lang: in queries; NULL when
-- unknown or stored before this version), and the search index rebuilt with OUR words, as SQLite's is: the folded
-- words and stripped Arabic forms of Rules/TextTokens.IndexText (the index held TextTokens.Split's words before).
ALTER TABLE entries ADD COLUMN language text;

TRUNCATE entries_search;
UPDATE search_index SET last_entry_id = 0;
