-- The entry's language (ParsedEntry.Language: a tag such as ru or fa-IR, from the feed or detected), for lang:
-- in queries. NULL for entries stored before this version and for those whose language is unknown.
ALTER TABLE entries ADD COLUMN language TEXT;

-- The full-text index now holds OUR words: the matcher's normalisation (Rules/TextTokens: case, accents,
-- Arabic letter variants and attached prefixes, ZWNJ, digits) computed in C#, so that it narrows a search
-- for any script and never leaves out an entry the matcher would find. SQLite's unicode61 split and folded
-- differently (ی and ي, وإيران, می‌خواهم), so search could only use it for plain ASCII words.
--
-- Contentless (content = ''): a row is one entry's distinct folded words, and stripped Arabic forms, joined by
-- spaces; the text itself stays in entries. detail = none: search asks only which entries hold a word (or a
-- prefix), never where. The ascii tokenizer splits only at ASCII spaces and punctuation, which our words never
-- contain, so it takes each word as it is.
DROP TABLE entries_fts;
CREATE VIRTUAL TABLE entries_fts USING fts5(words, content = '', detail = none, tokenize = 'ascii');

-- Search indexes everything again, with the new words, from the first entry on.
UPDATE search_index SET last_entry_id = 0;
