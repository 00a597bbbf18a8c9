-- The search index follows an entry that its feed changed (migration 0014). entries_fts is contentless: it forgets a
-- row's words only through its 'delete' command given the very words it indexed, and after the update those are
-- gone from entries. So an update of an entry's text first keeps the text as it was, here, and EntryStore (in the
-- same transaction) takes the old words out of the index, puts the new ones in and deletes this row. Retention
-- reads the text here too when a row is left (an update made by hand with sqlite3). Only changed rows ever fire it:
-- the poll's upsert updates an entry only when its title or text differs.
CREATE TABLE entries_revised (
    id      INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
    title   TEXT,
    summary TEXT,
    content TEXT
);

-- Of several updates before the index is mended, the first text is the one indexed. (Not INSERT OR IGNORE: a trigger's
-- conflict clause gives way to the outer statement's, and the poll's upsert would fail on the second update.)
CREATE TRIGGER entries_keep_indexed_text AFTER UPDATE OF title, summary, content ON entries
BEGIN
    INSERT INTO entries_revised (id, title, summary, content)
    SELECT old.id, old.title, old.summary, old.content
    WHERE NOT EXISTS (SELECT 1 FROM entries_revised WHERE id = old.id);
END;

-- Entries updated before this migration are indexed with their first version's words, which are lost: when there
-- are any, the index is emptied and the next search builds it again from the current text.
INSERT INTO entries_fts (entries_fts) SELECT 'delete-all' WHERE EXISTS (SELECT 1 FROM entries WHERE revision > 0);
UPDATE search_index SET last_entry_id = 0 WHERE EXISTS (SELECT 1 FROM entries WHERE revision > 0);
