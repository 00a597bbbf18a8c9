-- Times are ISO-8601 UTC text ('2026-11-23T08:15:00Z'), so sqlite3 users read and compare them as they are.

CREATE TABLE feeds (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL UNIQUE COLLATE NOCASE,  -- as in config/feeds.json
    url              TEXT    NOT NULL,                        -- where it is polled: config_url, or where a 301/308 moved it
    config_url       TEXT    NOT NULL,                        -- as in config/feeds.json
    tags             TEXT    NOT NULL DEFAULT '[]',           -- JSON array of strings
    interval_seconds INTEGER,                                 -- NULL: the Polling:Interval default
    enabled          INTEGER NOT NULL DEFAULT 1,              -- 0 once removed from feeds.json
    title            TEXT,                                    -- what the feed calls itself
    site_url         TEXT,
    etag             TEXT,                                    -- validators for the next conditional GET
    last_modified    TEXT,
    last_checked_at  TEXT,
    last_success_at  TEXT,
    last_status      INTEGER,                                 -- HTTP status of the last fetch
    last_error       TEXT,
    error_count      INTEGER NOT NULL DEFAULT 0,              -- consecutive failures
    gone_at          TEXT,                                    -- the server answered 410 Gone: no more polls until the URL changes
    next_check_at    TEXT    NOT NULL,
    created_at       TEXT    NOT NULL
);
CREATE INDEX feeds_due ON feeds (enabled, gone_at, next_check_at);

CREATE TABLE entries (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    entry_key    TEXT    NOT NULL,   -- dedupe key: 'id:<guid>', else 'link:<url>', else 'hash:<sha256 of title+date>'
    guid         TEXT,               -- the feed's own id for the entry, as given
    link         TEXT,
    title        TEXT,
    author       TEXT,
    summary      TEXT,               -- plain text
    content      TEXT,               -- plain text
    summary_html TEXT,
    content_html TEXT,
    categories   TEXT NOT NULL DEFAULT '[]',  -- JSON array
    published_at TEXT,
    updated_at   TEXT,
    fetched_at   TEXT    NOT NULL,
    UNIQUE (feed_id, entry_key)
);
CREATE INDEX entries_fetched ON entries (fetched_at);
CREATE INDEX entries_published ON entries (published_at);

CREATE TABLE matches (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    rule       TEXT    NOT NULL,
    terms      TEXT    NOT NULL DEFAULT '[]',  -- JSON array of the query terms that hit
    matched_at TEXT    NOT NULL,
    duplicate_of INTEGER REFERENCES matches (id),  -- the same story already alerted by this rule: recorded, not sent
    story_link   TEXT,   -- the entry's link without tracking parameters, fragment, www. or scheme: the same story via any feed
    story_title  TEXT,   -- the entry's title as lowercase words without accents (three words or more)
    UNIQUE (entry_id, rule)
);
CREATE INDEX matches_rule ON matches (rule, matched_at);
CREATE INDEX matches_story_link ON matches (rule, story_link) WHERE story_link IS NOT NULL;
CREATE INDEX matches_story_title ON matches (rule, story_title) WHERE story_title IS NOT NULL;

CREATE TABLE outbox (
    id              TEXT    PRIMARY KEY,      -- delivery id: X-Aggregator-Delivery, the email's Message-ID
    match_id        INTEGER NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    notifier        TEXT    NOT NULL,
    payload         TEXT    NOT NULL,         -- the alert as JSON, fixed when the match was stored
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    delivered_at    TEXT,
    UNIQUE (match_id, notifier)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
