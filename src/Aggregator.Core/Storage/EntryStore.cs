using System.Text;
using System.Text.Json;
using Aggregator.Parsing;
using Aggregator.Rules;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The entries table. Deduplication is the UNIQUE (feed_id, entry_key) constraint, not a lookup first.</summary>
public sealed class EntryStore(Database database)
{
    private const string InsertSql = """
        INSERT INTO entries (feed_id, entry_key, guid, link, title, author, summary, content,
                             summary_html, content_html, categories, enclosures, published_at, updated_at, fetched_at, language)
        VALUES (@FeedId, @EntryKey, @Guid, @Link, @Title, @Author, @Summary, @Content,
                @SummaryHtml, @ContentHtml, @Categories, @Enclosures, @PublishedAt, @UpdatedAt, @FetchedAt, @Language)
        ON CONFLICT (feed_id, entry_key) DO NOTHING
        RETURNING id
        """;

    /// <summary>The parameters <see cref="EncodedEntry"/> holds values for, in its order.</summary>
    private static readonly string[] EncodedColumns =
        ["@EntryKey", "@Guid", "@Link", "@Title", "@Author", "@Summary", "@Content", "@SummaryHtml", "@ContentHtml",
         "@Categories", "@Enclosures", "@PublishedAt", "@UpdatedAt", "@FetchedAt", "@Language"];

    private static readonly JsonSerializerOptions EnclosureJson = new(JsonSerializerDefaults.Web);

    /// <summary>An entry's text columns as UTF-8 (null for NULL), in the order of <see cref="EncodedColumns"/>.
    /// Built before the writer slot is taken: converting the text (7 KB per entry, when the HTML was always
    /// stored too) was a third of the time a first poll cycle's single writer spent inserting.</summary>
    public sealed class EncodedEntry
    {
        internal EncodedEntry(byte[]?[] columns) => Columns = columns;

        internal byte[]?[] Columns { get; }
    }

    /// <param name="storeHtml">Aggregator:StoreHtml; without it the HTML columns are NULL. The HTML is as large as
    /// the plain text again, and writing it made a first poll cycle 15% slower.</param>
    public static EncodedEntry Encode(string entryKey, ParsedEntry entry, DateTimeOffset fetchedAt, bool storeHtml) => new(
    [
        Utf8(entryKey),
        Utf8(entry.Id),
        Utf8(entry.Link),
        Utf8(entry.Title),
        Utf8(entry.Author),
        Utf8(entry.Summary),
        Utf8(entry.Content),
        storeHtml ? Utf8(entry.SummaryHtml) : null,
        storeHtml ? Utf8(entry.ContentHtml) : null,
        Utf8(entry.Categories.Count == 0 ? "[]" : JsonSerializer.Serialize(entry.Categories)),
        Utf8(entry.Enclosures.Count == 0 ? "[]" : JsonSerializer.Serialize(entry.Enclosures, EnclosureJson)),
        // RSS 1.0 and many dc:date feeds give only an "updated" date; it is the best publication date there is.
        Utf8(Iso.ToText(entry.Published ?? entry.Updated)),
        Utf8(Iso.ToText(entry.Updated)),
        Utf8(Iso.ToText(fetchedAt)),
        Utf8(entry.Language),
    ]);

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    /// <summary>Stores the entry unless the feed already has one with this key.</summary>
    /// <returns>The new row's id, or null when the entry was already stored.</returns>
    public static long? Insert(WriteScope write, long feedId, EncodedEntry entry)
    {
        var statement = write.Statement(InsertSql);
        statement.Bind("@FeedId", feedId);
        statement.BindUtf8(EncodedColumns, entry.Columns);
        return statement.RunReturningInteger();
    }

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

    private const string SelectIndexed = "SELECT last_entry_id FROM search_index";

    private const string SelectUnindexed = """
        SELECT id, title, summary, content FROM entries WHERE id > @After ORDER BY id LIMIT @Limit
        """;

    private const string InsertIndexWords = "INSERT INTO entries_fts (rowid, words) VALUES (@Id, @Words)";

    private static readonly string[] IndexWordsColumns = ["@Words"];

    private const string MarkIndexed = "UPDATE search_index SET last_entry_id = @Last";

    /// <summary>Entries indexed per write transaction: the writer slot is let go between batches, so that a poll
    /// running beside a first search (which indexes every entry) waits for one batch, not for all of them.</summary>
    private const int IndexBatch = 2000;

    /// <summary>Adds the entries stored since the last search to the full-text index: each entry's words as the
    /// matcher folds them (<see cref="TextTokens.IndexText"/>), computed before the writer slot is taken.</summary>
    /// <returns>How many entries were indexed.</returns>
    public async Task<int> UpdateSearchIndexAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var after = await connection.ExecuteScalarAsync<long>(SelectIndexed);
        var indexed = 0;
        var rows = new List<(long Id, byte[] Words)>(IndexBatch);
        while (true)
        {
            // Row by row, keeping only the words: an entry's text dies young instead of waiting for the batch.
            rows.Clear();
            await foreach (var row in connection.QueryUnbufferedAsync<(long Id, string? Title, string? Summary, string? Content)>(
                SelectUnindexed, new { After = after, Limit = IndexBatch }).WithCancellation(cancellationToken))
                rows.Add((row.Id, Encoding.UTF8.GetBytes(TextTokens.IndexText(row.Title, row.Summary, row.Content))));
            if (rows.Count == 0) return indexed;

            await using var write = await database.BeginWriteAsync(cancellationToken);
            // Another search (another process) may have indexed these meanwhile: go on from where it got to.
            var now = await write.Connection.ExecuteScalarAsync<long>(SelectIndexed, transaction: write.Transaction);
            if (now != after)
            {
                after = now;
                continue;
            }
            var statement = write.Statement(InsertIndexWords);
            foreach (var (id, words) in rows)
            {
                statement.Bind("@Id", id);
                statement.BindUtf8(IndexWordsColumns, [words]);
                statement.Run();
            }
            after = rows[^1].Id;
            await write.Connection.ExecuteAsync(MarkIndexed, new { Last = after }, write.Transaction);
            await write.CommitAsync(cancellationToken);
            indexed += rows.Count;
        }
    }

    private const string SelectCandidatesNewestFirst = """
        SELECT e.*, f.name AS feed_name, f.tags AS feed_tags
        FROM entries e JOIN feeds f ON f.id = e.feed_id
        WHERE e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH @Match)
          AND (@Feed IS NULL OR f.name = @Feed)
          AND (@Since IS NULL OR COALESCE(e.published_at, e.fetched_at) >= @Since)
        ORDER BY COALESCE(e.published_at, e.fetched_at) DESC, e.id DESC
        """;

    /// <summary>Newest first, the entries whose title, summary or content holds at least one of the words
    /// (full-text index, as of the last <see cref="UpdateSearchIndexAsync"/>): candidates for a query whose
    /// required words these are (<see cref="Query.RequiredTextWords"/>: folded, a prefix ending in *); the
    /// caller still matches.</summary>
    public async IAsyncEnumerable<EntryRow> ScanContainingAnyAsync(IReadOnlySet<string> words, string? feed, DateTimeOffset? since,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Each word quoted: FTS5 query syntax (AND, NEAR, -) must not apply to the user's words; a prefix is "word"*.
        var match = string.Join(" OR ", words.Select(w => w.EndsWith('*')
            ? "\"" + w[..^1].Replace("\"", "\"\"", StringComparison.Ordinal) + "\"*"
            : "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        var parameters = new { Match = match, Feed = feed, Since = Iso.ToText(since) };
        await foreach (var row in connection.QueryUnbufferedAsync<EntryRow>(SelectCandidatesNewestFirst, parameters).WithCancellation(cancellationToken))
            yield return row;
    }

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
        var parameters = new { Feed = feed, Since = Iso.ToText(since), Limit = limit };
        await foreach (var row in connection.QueryUnbufferedAsync<EntryRow>(SelectNewestFirst, parameters).WithCancellation(cancellationToken))
            yield return row;
    }

    private const string CountPerFeed = """
        SELECT feed_id AS FeedId, count(*) AS Stored,
               sum(COALESCE(published_at, fetched_at) >= @Since) AS Recent
        FROM entries GROUP BY feed_id
        """;

    /// <summary>Per feed: entries stored, and how many were published since <paramref name="since"/>.</summary>
    public async Task<IReadOnlyDictionary<long, (long Stored, long Recent)>> CountByFeedAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long FeedId, long Stored, long Recent)>(CountPerFeed, new { Since = Iso.ToText(since) });
        return rows.ToDictionary(r => r.FeedId, r => (r.Stored, r.Recent));
    }
}
