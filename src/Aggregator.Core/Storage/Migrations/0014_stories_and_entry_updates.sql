-- Updated entries: a feed that changes an entry's title, summary or content under the same id has its row updated in
-- place (EntryStore's insert, ON CONFLICT ... DO UPDATE ... WHERE the text differs). fetched_at stays when we first
-- stored it; updated_at stays the feed's own date for the entry.
ALTER TABLE entries ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;  -- how many times its title or text changed
ALTER TABLE entries ADD COLUMN revised_at TEXT;                      -- when we stored the last change; NULL: never

-- Near-duplicate stories (Refreshing/StorySimilarity): the title's folded words, names and numbers as the comparison
-- needs them, so the candidates are not parsed again for every match. NULL for matches stored before this migration.
ALTER TABLE matches ADD COLUMN story_words TEXT;

-- The candidates for a near-duplicate: this rule's alerted (non-duplicate) matches, newest first, within the window.
CREATE INDEX matches_rule_story_time ON matches (rule, matched_at) WHERE duplicate_of IS NULL AND story_words IS NOT NULL;
