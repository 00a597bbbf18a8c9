using System.Text;
using System.Text.Json;
using Aggregator.Parsing;
using Aggregator.Rules;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Aggregator.Storage;

/// <summary>The entries table. Deduplication is the UNIQUE (feed_id, entry_key) constraint, not a lookup first.</summary>
public sealed class EntryStore(Database database)
{
    private const string InsertInto = """
        INSERT INTO entries (feed_id, entry_key, guid, link, title, author, summary, content,
                             summary_html, content_html, categories, enclosures, published_at, updated_at, fetched_at, language)
        """;

    // A stored entry whose title or text the feed changed is updated (a changed date alone is no change).
    private const string UpdateChanged = """
        ON CONFLICT (feed_id, entry_key) DO UPDATE SET
            title = excluded.title, summary = excluded.summary, content = excluded.content,
            summary_html = excluded.summary_html, content_html = excluded.content_html, updated_at = excluded.updated_at,
            revision = entries.revision + 1, revised_at = excluded.fetched_at
        WHERE entries.title IS DISTINCT FROM excluded.title OR entries.summary IS DISTINCT FROM excluded.summary
           OR entries.content IS DISTINCT FROM excluded.content
        """;

    private const string InsertSql = $"""
        {InsertInto}
        VALUES (@FeedId, @EntryKey, @Guid, @Link, @Title, @Author, @Summary, @Content,
                @SummaryHtml, @ContentHtml, @Categories, @Enclosures, @PublishedAt, @UpdatedAt, @FetchedAt, @Language)
        {UpdateChanged}
        RETURNING id, revision
        """;

    /// <summary>The parameters <see cref="EncodedEntry"/> holds values for, in its order (SQLite's prepared insert).</summary>
    private static readonly string[] EncodedColumns =
        ["@EntryKey", "@Guid", "@Link", "@Title", "@Author", "@Summary", "@Content", "@SummaryHtml", "@ContentHtml",
         "@Categories", "@Enclosures", "@PublishedAt", "@UpdatedAt", "@FetchedAt", "@Language"];

    private static readonly JsonSerializerOptions EnclosureJson = new(JsonSerializerDefaults.Web);

    /// <summary>An entry's columns, in the order of <see cref="EncodedColumns"/>: as text, and for SQLite's prepared
    /// insert also as UTF-8 (null for NULL). The UTF-8 is built before the writer slot is taken: converting the text
    /// (7 KB per entry, when the HTML was always stored too) was a third of the time a first poll cycle's single writer
    /// spent inserting. PostgreSQL takes the text (Npgsql converts it while sending).</summary>
    public sealed class EncodedEntry
    {
        internal EncodedEntry(string?[] text, byte[]?[]? utf8, DateTimeOffset? published, DateTimeOffset? updated, DateTimeOffset fetched)
        {
            Text = text;
            Utf8 = utf8;
            Published = published;
            Updated = updated;
            Fetched = fetched;
        }

        internal string?[] Text { get; }
        internal byte[]?[]? Utf8 { get; }
        internal DateTimeOffset? Published { get; }
        internal DateTimeOffset? Updated { get; }
        internal DateTimeOffset Fetched { get; }
    }

    /// <param name="storeHtml">Aggregator:StoreHtml; without it the HTML columns are NULL. The HTML is as large as
    /// the plain text again, and writing it made a first poll cycle 15% slower.</param>
    /// <param name="utf8">Also convert to UTF-8 for SQLite's prepared insert (false for PostgreSQL, which takes text).</param>
    public static EncodedEntry Encode(string entryKey, ParsedEntry entry, DateTimeOffset fetchedAt, bool storeHtml, bool utf8 = true)
    {
        // RSS 1.0 and many dc:date feeds give only an "updated" date; it is the best publication date there is.
        var published = entry.Published ?? entry.Updated;
        string?[] text =
        [
            entryKey,
            entry.Id,
            entry.Link,
            entry.Title,
            entry.Author,
            entry.Summary,
            entry.Content,
            storeHtml ? entry.SummaryHtml : null,
            storeHtml ? entry.ContentHtml : null,
            entry.Categories.Count == 0 ? "[]" : JsonSerializer.Serialize(entry.Categories),
            entry.Enclosures.Count == 0 ? "[]" : JsonSerializer.Serialize(entry.Enclosures, EnclosureJson),
            Iso.ToText(published),
            Iso.ToText(entry.Updated),
            Iso.ToText(fetchedAt),
            entry.Language,
        ];
        return new EncodedEntry(text, utf8 ? [.. text.Select(Utf8)] : null, published, entry.Updated, fetchedAt);
    }

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    /// <summary>Stores the entry unless the feed already has one with this key; one whose title or text changed is
    /// updated (see <see cref="StoreAsync"/>).</summary>
    /// <returns>The new (or updated) row's id, or null when the entry was already stored as it is.</returns>
    public static async ValueTask<long?> InsertAsync(WriteScope write, long feedId, EncodedEntry entry) =>
        (await StoreAsync(write, feedId, entry))?.Id;

    /// <summary>What <see cref="StoreAsync"/> did with an entry: stored it (revision 0), or updated the stored one
    /// whose title or text the feed changed (revision 1 and up).</summary>
    public sealed record StoredEntry(long Id, long Revision)
    {
        public bool Updated => Revision > 0;
    }

    /// <summary>Stores a new entry, or updates the stored one when the feed changed its title, summary or content under
    /// the same key (a changed date alone is no change). The comparison is the upsert's WHERE, in the database: an
    /// entry seen again unchanged, most of every poll, writes nothing.</summary>
    /// <returns>The row and its revision, or null when the entry was already stored as it is.</returns>
    public static async ValueTask<StoredEntry?> StoreAsync(WriteScope write, long feedId, EncodedEntry entry)
    {
        if (write.Provider == StorageProvider.Postgres) return (await StoreAllAsync(write, feedId, [entry]))[0];
        var statement = write.Statement(InsertSql);
        statement.Bind("@FeedId", feedId);
        statement.BindUtf8(EncodedColumns, entry.Utf8 ?? [.. entry.Text.Select(Utf8)]);
        return statement.RunReturningTwoIntegers() is { } pair ? new StoredEntry(pair.First, pair.Second) : null;
    }

    /// <summary>Stores (or updates, see <see cref="StoreAsync"/>) a feed's entries in the order given (ids follow it).
    /// On SQLite, the writer's prepared statement once per entry, in process. On PostgreSQL, one statement for the feed
    /// with a column of values per parameter: one round trip and one statement instead of one per entry, which left a
    /// 1,000-feed first poll waiting on the network for 50,000 replies (3x SQLite's time; a batch of one statement per
    /// entry took 5% longer than this).</summary>
    /// <returns>Per entry, what was stored, or null when it was already stored as it is.</returns>
    public static async ValueTask<StoredEntry?[]> StoreAllAsync(WriteScope write, long feedId, IReadOnlyList<EncodedEntry> entries)
    {
        var stored = new StoredEntry?[entries.Count];
        if (write.Provider == StorageProvider.Postgres)
        {
            if (entries.Count > 0) await StoreBatchAsync(write, feedId, entries, stored);
            return stored;
        }
        for (var i = 0; i < entries.Count; i++) stored[i] = await StoreAsync(write, feedId, entries[i]);
        return stored;
    }

    // PostgreSQL: a feed's entries in one statement, each column an array (unnest keeps one SQL text whatever the
    // count, so Npgsql prepares it once per connection). Rows go in the order given (WITH ORDINALITY ... ORDER BY), so
    // ids follow it; RETURNING names each row by its key, since it promises no order.
    private const string InsertAllPostgres = $"""
        {InsertInto}
        SELECT @FeedId, k, g, l, t, a, s, c, sh, ch, cat::jsonb, enc::jsonb, p, u, f, lang
        FROM unnest(@EntryKey, @Guid, @Link, @Title, @Author, @Summary, @Content, @SummaryHtml, @ContentHtml,
                    @Categories, @Enclosures, @PublishedAt, @UpdatedAt, @FetchedAt, @Language)
             WITH ORDINALITY AS x (k, g, l, t, a, s, c, sh, ch, cat, enc, p, u, f, lang, n)
        ORDER BY n
        {UpdateChanged}
        RETURNING entry_key, id, revision
        """;

    private static async Task StoreBatchAsync(WriteScope write, long feedId, IReadOnlyList<EncodedEntry> entries, StoredEntry?[] stored)
    {
        // One statement cannot touch a row twice: a key listed again (as PostgreSQL stores it) starts the next statement
        // (in practice never, the poll keeps each key's last listing).
        var keys = entries.Select(e => PostgresText.Clean(e.Text[0])!).ToArray();
        var from = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i <= entries.Count; i++)
        {
            if (i < entries.Count && seen.Add(keys[i])) continue;
            await StoreChunkAsync(write, feedId, entries, keys, from, i, stored);
            seen.Clear();
            if (i < entries.Count) seen.Add(keys[i]);
            from = i;
        }
    }

    private static async Task StoreChunkAsync(WriteScope write, long feedId, IReadOnlyList<EncodedEntry> entries, string[] keys,
        int from, int to, StoredEntry?[] stored)
    {
        if (to <= from) return;
        var count = to - from;
        await using var command = new NpgsqlCommand(InsertAllPostgres, (NpgsqlConnection)write.Connection, (NpgsqlTransaction)write.Transaction);
        command.Parameters.Add(new NpgsqlParameter<long>("FeedId", feedId));
        for (var c = 0; c < EncodedColumns.Length; c++)
        {
            var name = EncodedColumns[c][1..];
            if (c is PublishedColumn or UpdatedColumn or FetchedColumn)
            {
                var times = new DateTime?[count];
                for (var i = 0; i < count; i++)
                {
                    var entry = entries[from + i];
                    var value = c == PublishedColumn ? entry.Published : c == UpdatedColumn ? entry.Updated : entry.Fetched;
                    times[i] = value?.UtcDateTime;
                }
                command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = times });
                continue;
            }
            var texts = new string?[count];
            for (var i = 0; i < count; i++)
            {
                var text = entries[from + i].Text[c];
                texts[i] = c is CategoriesColumn or EnclosuresColumn ? JsonText.ForPostgres(text!) : PostgresText.Clean(text);
            }
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = texts });
        }
        var at = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = from; i < to; i++) at[keys[i]] = i;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                stored[at[reader.GetString(0)]] = new StoredEntry(reader.GetInt64(1), reader.GetInt64(2));
        }
        // An entry the feed changed has its search words rewritten now, in this transaction.
        var updated = Enumerable.Range(from, count).Where(i => stored[i] is { Updated: true })
            .Select(i => (stored[i]!.Id, entries[i].Text[TitleColumn], entries[i].Text[SummaryColumn], entries[i].Text[ContentColumn]))
            .ToList();
        if (updated.Count > 0) await SearchIndex.RewritePostgresAsync(write, updated);
    }

    // Positions in EncodedColumns of the text the search index holds the words of.
    private const int TitleColumn = 3, SummaryColumn = 5, ContentColumn = 6;

    // Positions in EncodedColumns of the values that are not plain text on PostgreSQL.
    private const int CategoriesColumn = 9, EnclosuresColumn = 10, PublishedColumn = 11, UpdatedColumn = 12, FetchedColumn = 13;

    // The ids come from the entries_feed_date index alone (it holds the date), so only the rows kept are read;
    // ordering whole rows read every entry of the table, text and all.
    private const string SelectNewestFirst = """
        SELECT e.*, f.name AS feed_name, f.tags AS feed_tags
        FROM entries e JOIN feeds f ON f.id = e.feed_id
        WHERE e.id IN (
            SELECT id FROM entries
            WHERE (@Feed IS NULL OR feed_id = (SELECT id FROM feeds WHERE name = @Feed))
              AND (@Since IS NULL OR COALESCE(published_at, fetched_at) >= @Since)
            ORDER BY COALESCE(published_at, fetched_at) DESC, id DESC
            LIMIT @Limit)
        ORDER BY COALESCE(e.published_at, e.fetched_at) DESC, e.id DESC
        """;

    private const string SelectCandidatesNewestFirst = """
        SELECT e.*, f.name AS feed_name, f.tags AS feed_tags
        FROM entries e JOIN feeds f ON f.id = e.feed_id
        WHERE e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH @Match)
          AND (@Feed IS NULL OR f.name = @Feed)
          AND (@Since IS NULL OR COALESCE(e.published_at, e.fetched_at) >= @Since)
        ORDER BY COALESCE(e.published_at, e.fetched_at) DESC, e.id DESC
        """;

    private const string SelectCandidatesNewestFirstPostgres = """
        SELECT e.*, f.name AS feed_name, f.tags AS feed_tags
        FROM entries e JOIN feeds f ON f.id = e.feed_id
        WHERE e.id IN (SELECT entry_id FROM entries_search WHERE words @@ CAST(@Match AS tsquery))
          AND (@Feed IS NULL OR f.name = @Feed)
          AND (@Since IS NULL OR COALESCE(e.published_at, e.fetched_at) >= @Since)
        ORDER BY COALESCE(e.published_at, e.fetched_at) DESC, e.id DESC
        """;

    /// <summary>Newest first, the entries whose title, summary or content holds at least one of the words
    /// (full-text index, as of the last <see cref="SearchIndex.UpdateAsync"/>): candidates for a query whose
    /// required words these are (<see cref="Query.RequiredTextWords"/>: folded, a prefix ending in *); the
    /// caller still matches.</summary>
    public async IAsyncEnumerable<EntryRow> ScanContainingAnyAsync(IReadOnlySet<string> words, string? feed, DateTimeOffset? since,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var postgres = database.Provider == StorageProvider.Postgres;
        // Each word quoted: FTS5 query syntax (AND, NEAR, -) must not apply to the user's words; a prefix is "word"*.
        // In a tsquery each is a quoted lexeme taken as it is; a prefix is 'word':*.
        var match = postgres
            ? string.Join(" | ", words.Select(w => w.EndsWith('*') ? Lexeme(w[..^1]) + ":*" : Lexeme(w)))
            : string.Join(" OR ", words.Select(w => w.EndsWith('*')
                ? "\"" + w[..^1].Replace("\"", "\"\"", StringComparison.Ordinal) + "\"*"
                : "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        var parameters = new { Match = match, Feed = feed, Since = since };
        var sql = postgres ? SelectCandidatesNewestFirstPostgres : SelectCandidatesNewestFirst;
        await foreach (var row in connection.QueryUnbufferedAsync<EntryRow>(sql, parameters).WithCancellation(cancellationToken))
            yield return row;
    }

    private static string Lexeme(string word) =>
        "'" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Newest first, by published date (or when we first saw it, for entries without one).</summary>
    public async Task<IReadOnlyList<EntryRow>> ListAsync(string? feed, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        var rows = new List<EntryRow>();
        await foreach (var row in ScanAsync(feed, since, limit, cancellationToken)) rows.Add(row);
        return rows;
    }

    /// <summary>Streams stored entries in scope, newest first, for search and backtests; a limit of -1 is all.</summary>
    public async IAsyncEnumerable<EntryRow> ScanAsync(string? feed, DateTimeOffset? since, int limit = -1,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new { Feed = feed, Since = since, Limit = limit < 0 ? int.MaxValue : limit };
        await foreach (var row in connection.QueryUnbufferedAsync<EntryRow>(SelectNewestFirst, parameters).WithCancellation(cancellationToken))
            yield return row;
    }

    private const string CountPerFeed = """
        SELECT feed_id AS FeedId, count(*) AS Stored,
               sum(CASE WHEN COALESCE(published_at, fetched_at) >= @Since THEN 1 ELSE 0 END) AS Recent
        FROM entries GROUP BY feed_id
        """;

    // The entries of one poll share their fetched_at: DISTINCT makes each poll that brought news one arrival.
    private const string SelectArrivals = """
        SELECT feed_id, fetched_at FROM (
            SELECT feed_id, fetched_at, row_number() OVER (PARTITION BY feed_id ORDER BY fetched_at DESC) AS n
            FROM (SELECT DISTINCT feed_id, fetched_at FROM entries) d) r
        WHERE n <= @PerFeed
        ORDER BY feed_id, fetched_at
        """;

    /// <summary>The last <paramref name="perFeed"/> times each feed brought new entries, oldest first: its rhythm.</summary>
    public async Task<IReadOnlyList<EntryArrival>> GetRecentArrivalsAsync(int perFeed, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<EntryArrival>(SelectArrivals, new { PerFeed = perFeed })).AsList();
    }

    /// <summary>Per feed: entries stored, and how many were published since <paramref name="since"/>.</summary>
    public async Task<IReadOnlyDictionary<long, (long Stored, long Recent)>> CountByFeedAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long FeedId, long Stored, long Recent)>(CountPerFeed, new { Since = since });
        return rows.ToDictionary(r => r.FeedId, r => (r.Stored, r.Recent));
    }
}
