-- What was wrong but survivable in the feed's last document (feedparser's "bozo": not well-formed XML read
-- leniently, a wrong charset, an unreadable date): a JSON array of short sentences, NULL when there were none.
-- `aggregator status` shows them; a 304 or a failed fetch keeps the last ones.
ALTER TABLE feeds ADD COLUMN last_problems TEXT;
