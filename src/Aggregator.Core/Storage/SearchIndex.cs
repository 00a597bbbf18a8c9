using System.Text;
using System.Text.Json;
using Aggregator.Rules;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The full-text index `aggregator search` narrows its scan with (<see cref="EntryStore.ScanContainingAnyAsync"/>):
/// on SQLite the contentless FTS5 table entries_fts, on PostgreSQL entries_search (a tsvector per entry, GIN index),
/// each holding an entry's words as the matcher folds them. Brought up to date by search itself (and on PostgreSQL by
/// the cluster's housekeeping job), never by a poll, from search_index.last_entry_id on.</summary>
public sealed class SearchIndex(Database database, TimeProvider? time = null)
{
    private const string SelectIndexed = "SELECT last_entry_id FROM search_index";

    private const string SelectUnindexed = """
        SELECT id, revision, title, summary, content FROM entries WHERE id > @After ORDER BY id LIMIT @Limit
        """;

    // The batch as it is inside the write transaction: a poll may have updated (or retention deleted) an entry after
    // its text was read for the batch.
    private const string SelectBatchNow = "SELECT id, revision FROM entries WHERE id > @After AND id <= @Last";

    private const string SelectText = "SELECT title, summary, content FROM entries WHERE id = @Id";

    private const string InsertIndexWords = "INSERT INTO entries_fts (rowid, words) VALUES (@Id, @Words)";

    private static readonly string[] IndexWordsColumns = ["@Words"];

    private const string MarkIndexed = "UPDATE search_index SET last_entry_id = @Last";

    // SQLite: entries_fts forgets an entry's words only when given the very words it indexed. When a poll (or anyone)
    // changes an indexed entry's text, the entries_keep_indexed_text trigger keeps the text that was indexed in
    // entries_revised (migration 0015), and search mends the index from it before it looks: so for every entry up to
    // search_index.last_entry_id, the index holds the words of its entries_revised text when it has one, else of its
    // own. The poll pays nothing for it but the trigger's row, and only for an entry whose text changed.
    private const string SelectRevised = """
        SELECT r.id, r.title, r.summary, r.content, e.title, e.summary, e.content
        FROM entries_revised r JOIN entries e ON e.id = r.id
        WHERE r.id <= (SELECT last_entry_id FROM search_index)
        """;

    internal const string ForgetIndexWords = "INSERT INTO entries_fts (entries_fts, rowid, words) VALUES ('delete', @Id, @Words)";

    /// <summary>SQLite: each indexed entry changed since it was indexed has its old words taken out of the index and
    /// its new ones put in, so that search finds it by what it says now. An entry not indexed yet is left to the index
    /// batch that takes it (which drops its entries_revised row).</summary>
    private async Task FollowRevisionsAsync(CancellationToken cancellationToken)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        var revised = (await write.Connection.QueryAsync<(long Id, string? OldTitle, string? OldSummary, string? OldContent,
            string? Title, string? Summary, string? Content)>(SelectRevised, transaction: write.Transaction)).AsList();
        foreach (var r in revised)
        {
            await write.Connection.ExecuteAsync(ForgetIndexWords, new { r.Id, Words = TextTokens.IndexText(r.OldTitle, r.OldSummary, r.OldContent) }, write.Transaction);
            await write.Connection.ExecuteAsync(InsertIndexWords, new { r.Id, Words = TextTokens.IndexText(r.Title, r.Summary, r.Content) }, write.Transaction);
        }
        await write.Connection.ExecuteAsync("DELETE FROM entries_revised WHERE id IN (SELECT value FROM json_each(@Ids))",
            new { Ids = JsonSerializer.Serialize(revised.Select(r => r.Id)) }, write.Transaction);
        await write.CommitAsync(cancellationToken);
    }

    /// <summary>Entries indexed per write transaction: the writer slot is let go between batches, so that a poll
    /// running beside a first search (which indexes every entry) waits for one batch, not for all of them.</summary>
    private const int IndexBatch = 2000;

    /// <summary>Adds the entries stored since the last search to the full-text index: each entry's words as the
    /// matcher folds them (<see cref="TextTokens.IndexText"/>), computed before the writer slot is taken.</summary>
    /// <returns>How many entries were indexed.</returns>
    public async Task<int> UpdateAsync(CancellationToken cancellationToken = default)
    {
        if (database.Provider == StorageProvider.Postgres) return await UpdatePostgresAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<long>("SELECT EXISTS (SELECT 1 FROM entries_revised)") != 0)
            await FollowRevisionsAsync(cancellationToken);
        var after = await connection.ExecuteScalarAsync<long>(SelectIndexed);
        var indexed = 0;
        var rows = new List<(long Id, long Revision, byte[] Words)>(IndexBatch);
        while (true)
        {
            // Row by row, keeping only the words: an entry's text dies young instead of waiting for the batch.
            rows.Clear();
            await foreach (var row in connection.QueryUnbufferedAsync<(long Id, long Revision, string? Title, string? Summary, string? Content)>(
                SelectUnindexed, new { After = after, Limit = IndexBatch }).WithCancellation(cancellationToken))
                rows.Add((row.Id, row.Revision, Encoding.UTF8.GetBytes(TextTokens.IndexText(row.Title, row.Summary, row.Content))));
            if (rows.Count == 0) return indexed;

            await using var write = await database.BeginWriteAsync(cancellationToken);
            // Another search (another process) may have indexed these meanwhile: go on from where it got to.
            var now = await write.Connection.ExecuteScalarAsync<long>(SelectIndexed, transaction: write.Transaction);
            if (now != after)
            {
                after = now;
                continue;
            }
            var current = (await write.Connection.QueryAsync<(long Id, long Revision)>(SelectBatchNow,
                new { After = after, Last = rows[^1].Id }, write.Transaction)).ToDictionary(r => r.Id, r => r.Revision);
            var statement = write.Statement(InsertIndexWords);
            foreach (var (id, revision, read) in rows)
            {
                if (!current.TryGetValue(id, out var revisionNow)) continue; // deleted since
                var words = read;
                if (revisionNow != revision)
                {
                    var text = await write.Connection.QuerySingleAsync<(string? Title, string? Summary, string? Content)>(SelectText, new { Id = id }, write.Transaction);
                    words = Encoding.UTF8.GetBytes(TextTokens.IndexText(text.Title, text.Summary, text.Content));
                }
                statement.Bind("@Id", id);
                statement.BindUtf8(IndexWordsColumns, [words]);
                statement.Run();
            }
            // The index now holds these entries' words as they are: the text kept from before a change is done with.
            await write.Connection.ExecuteAsync("DELETE FROM entries_revised WHERE id > @After AND id <= @Last",
                new { After = after, Last = rows[^1].Id }, write.Transaction);
            after = rows[^1].Id;
            await write.Connection.ExecuteAsync(MarkIndexed, new { Last = after }, write.Transaction);
            await write.CommitAsync(cancellationToken);
            indexed += rows.Count;
        }
    }

    // PostgreSQL: many writers, so ids do not commit in order (a poll that took id 100 may commit after one that took
    // 101). The index takes every entry above the mark that is not in it yet, and the mark moves only up to entries
    // stored before Settle, whose transactions have long ended.
    private const string SelectUnindexedPostgres = """
        SELECT e.id, e.title, e.summary, e.content FROM entries e
        WHERE e.id > (SELECT last_entry_id FROM search_index)
          AND NOT EXISTS (SELECT 1 FROM entries_search s WHERE s.entry_id = e.id)
        ORDER BY e.id
        LIMIT @Limit
        """;

    private const string InsertWords = """
        INSERT INTO entries_search (entry_id, words) VALUES (@Id, array_to_tsvector(@Words))
        ON CONFLICT (entry_id) DO NOTHING
        """;

    private const string MoveMark = """
        UPDATE search_index SET last_entry_id = GREATEST(last_entry_id,
            COALESCE((SELECT max(id) FROM entries WHERE fetched_at < @Settled), 0))
        """;

    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(10);

    private async Task<int> UpdatePostgresAsync(CancellationToken cancellationToken)
    {
        var indexed = 0;
        while (true)
        {
            List<(long Id, string? Title, string? Summary, string? Content)> rows;
            await using (var connection = await database.OpenAsync(cancellationToken))
                rows = (await connection.QueryAsync<(long, string?, string?, string?)>(SelectUnindexedPostgres, new { Limit = IndexBatch })).AsList();
            if (rows.Count == 0) break;
            var words = rows.Select(r => new { r.Id, Words = PostgresWords(r.Title, r.Summary, r.Content) }).ToList();
            await using var write = await database.BeginWriteAsync(cancellationToken);
            await write.Connection.ExecuteAsync(InsertWords, words, write.Transaction);
            await write.CommitAsync(cancellationToken);
            indexed += rows.Count;
        }
        await using (var write = await database.BeginWriteAsync(cancellationToken))
        {
            await write.Connection.ExecuteAsync(MoveMark, new { Settled = (time ?? TimeProvider.System).GetUtcNow() - Settle }, write.Transaction);
            await write.CommitAsync(cancellationToken);
        }
        return indexed;
    }

    /// <summary>An entry's words for PostgreSQL's index: the same folded words and stripped Arabic forms as SQLite's
    /// (<see cref="TextTokens.IndexText"/>), each at most 500 characters and the lot under tsvector's 1 MB (a longer
    /// word is no word anyone searches for).</summary>
    private const string RewriteWords = """
        INSERT INTO entries_search (entry_id, words) VALUES (@Id, array_to_tsvector(@Words))
        ON CONFLICT (entry_id) DO UPDATE SET words = excluded.words
        """;

    /// <summary>PostgreSQL, in the poll's transaction: the words of entries their feed changed, rewritten (rare: most
    /// polls change none). A search that indexed one meanwhile from its old text loses to this row (its insert does
    /// nothing on conflict).</summary>
    internal static Task RewritePostgresAsync(WriteScope write, IEnumerable<(long Id, string? Title, string? Summary, string? Content)> entries) =>
        write.Connection.ExecuteAsync(RewriteWords, entries.Select(e => new { e.Id, Words = PostgresWords(e.Title, e.Summary, e.Content) }), write.Transaction);

    private static string[] PostgresWords(string? title, string? summary, string? content)
    {
        var words = new List<string>();
        var bytes = 0;
        foreach (var word in TextTokens.IndexText(PostgresText.Clean(title), PostgresText.Clean(summary), PostgresText.Clean(content))
                     .Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.Length > 500) continue;
            bytes += Encoding.UTF8.GetByteCount(word) + 8;
            if (bytes > 900_000) break;
            words.Add(word);
        }
        return [.. words];
    }
}
