-- Entries by date, as `aggregator entries` and search list them: COALESCE(published_at, fetched_at), the
-- entry's date or, for one without, when we first saw it. The index on published_at could not serve that
-- order, and it cost the most of any index to keep: a feed's backlog has dates spread over months, so its
-- entries landed on as many pages of the index, each written again in that feed's commit (13% of a first
-- poll cycle). Keyed by feed first, one poll's entries share a page or two; listing all feeds scans this
-- small index (the dates are in it, no row is read) and reads only the rows it keeps.
DROP INDEX entries_published;
CREATE INDEX entries_feed_date ON entries (feed_id, COALESCE(published_at, fetched_at));
