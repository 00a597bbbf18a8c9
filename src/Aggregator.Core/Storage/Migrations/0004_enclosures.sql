-- Files attached to an entry (RSS <enclosure>, Atom <link rel="enclosure">, <media:content>), as a JSON
-- array of {"url", "type", "length"}: '[]' when there are none, like categories.
ALTER TABLE entries ADD COLUMN enclosures TEXT NOT NULL DEFAULT '[]';
