-- PostgreSQL twin of ../0014_stories_and_entry_updates.sql.
ALTER TABLE entries
    ADD COLUMN revision   bigint NOT NULL DEFAULT 0,
    ADD COLUMN revised_at timestamptz;

ALTER TABLE matches ADD COLUMN story_words text;

CREATE INDEX matches_rule_story_time ON matches (rule, matched_at) WHERE duplicate_of IS NULL AND story_words IS NOT NULL;
