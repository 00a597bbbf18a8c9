-- PostgreSQL twin of ../0015_search_follows_entry_updates.sql. entries_search keeps a row per entry, which EntryStore
-- now rewrites (in the poll's transaction) when the feed changes the entry's text; no old text is needed for it.
-- Entries updated before this migration hold their first version's words: their rows go, and the next search,
-- looking again from the first entry for entries without a row, indexes their current text.
DELETE FROM entries_search WHERE entry_id IN (SELECT id FROM entries WHERE revision > 0);
UPDATE search_index SET last_entry_id = 0 WHERE EXISTS (SELECT 1 FROM entries WHERE revision > 0);
