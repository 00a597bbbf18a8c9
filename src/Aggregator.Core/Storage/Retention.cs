using System.Text.Json;
using Aggregator.Rules;
using Dapper;
using Microsoft.Extensions.Options;

namespace Aggregator.Storage;

/// <summary>Deletes entries past Aggregator:Retention: unmatched ones after KeepEntries, matched ones (with their matches
/// and deliveries) after KeepMatched, never one with a delivery still pending; operational alerts and ended health
/// problems after KeepEntries. A batch at a time, each its own short
/// write transaction, so the service's polls get the single writer between batches. On PostgreSQL the same rows go
/// (the search words with their entries, by the foreign key), and of several nodes one applies it at a time.</summary>
public sealed class Retention(Database database, IOptions<RetentionOptions> options)
{
    private const int BatchSize = 1000;

    public bool Enabled => options.Value.KeepEntries is not null;

    // fetched_at (when we stored it), not the entry's own date: a feed's backlog of old items is kept as long as anything
    // else, and entries_fetched serves the range.
    private const string SelectBatch = """
        SELECT e.id FROM entries e
        WHERE e.fetched_at < @EntriesBefore
          AND (NOT EXISTS (SELECT 1 FROM matches m WHERE m.entry_id = e.id)
               OR (@MatchedBefore IS NOT NULL AND e.fetched_at < @MatchedBefore
                   AND NOT EXISTS (SELECT 1 FROM matches m JOIN outbox o ON o.match_id = m.id
                                   WHERE m.entry_id = e.id AND o.status = 'pending')))
        ORDER BY e.fetched_at
        LIMIT @Limit
        """;

    private const string CountDoomed = $"SELECT count(*) FROM ({SelectBatch}) AS doomed";

    // entries_fts is contentless (migration 0006): it holds only each entry's folded words, and forgets a row only
    // through its 'delete' command given the very words it indexed, which are computed again from the entry's text
    // (TextTokens.IndexText, as EntryStore indexed them), or from the text entries_revised kept for an entry updated
    // by hand since it was indexed (migration 0015). Left there, a deleted entry's row would be found by search for
    // ever and would take the index's space that retention is meant to give back.
    private const string SelectIndexedText = """
        SELECT e.id,
               CASE WHEN r.id IS NULL THEN e.title ELSE r.title END,
               CASE WHEN r.id IS NULL THEN e.summary ELSE r.summary END,
               CASE WHEN r.id IS NULL THEN e.content ELSE r.content END
        FROM entries e LEFT JOIN entries_revised r ON r.id = e.id
        WHERE e.id IN (SELECT value FROM json_each(@Ids)) AND e.id <= (SELECT last_entry_id FROM search_index)
        """;

    private const string Delete = """
        UPDATE matches SET duplicate_of = NULL
        WHERE duplicate_of IN (SELECT id FROM matches WHERE entry_id IN (SELECT value FROM json_each(@Ids)));
        DELETE FROM entries WHERE id IN (SELECT value FROM json_each(@Ids));
        """;

    private const string DeletePostgres = """
        UPDATE matches SET duplicate_of = NULL WHERE duplicate_of IN (SELECT id FROM matches WHERE entry_id = ANY(@Ids));
        DELETE FROM entries WHERE id = ANY(@Ids);
        """;

    // PostgreSQL: held for the session by the node applying retention; another node's daily run finds it taken and
    // leaves the work to it.
    private const long RetentionLock = AdvisoryLocks.Retention;

    // Operational alerts (match_id NULL) belong to no entry, so deleting entries never takes them: they go after
    // KeepEntries, as unmatched entries do, with the health problems that ended before then; never one still pending,
    // nor a problem still open (it holds the state that stops a second alert).
    private const string DeleteOperational = """
        DELETE FROM outbox WHERE match_id IS NULL AND status <> 'pending' AND created_at < @EntriesBefore;
        DELETE FROM health_problems WHERE ended_at IS NOT NULL AND ended_at < @EntriesBefore;
        """;

    /// <summary>How many entries a run now would delete.</summary>
    public async Task<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!Enabled) return 0;
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(CountDoomed, Parameters(now, long.MaxValue));
    }

    /// <param name="deleted">Called after each batch with the number deleted so far.</param>
    /// <returns>How many entries were deleted (their matches and deliveries went with them); null on PostgreSQL when
    /// another node is applying retention right now (it deletes what is old).</returns>
    public async Task<long?> RunAsync(DateTimeOffset now, Action<long>? deleted = null, CancellationToken cancellationToken = default)
    {
        if (!Enabled) return 0;
        if (database.Provider != StorageProvider.Postgres) return await DeleteInBatchesAsync(now, deleted, cancellationToken);
        await using var session = await database.OpenAsync(cancellationToken);
        if (!await session.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@Lock)", new { Lock = RetentionLock })) return null;
        try
        {
            return await DeleteInBatchesAsync(now, deleted, cancellationToken);
        }
        finally
        {
            await session.ExecuteAsync("SELECT pg_advisory_unlock(@Lock)", new { Lock = RetentionLock });
        }
    }

    private async Task<long> DeleteInBatchesAsync(DateTimeOffset now, Action<long>? deleted, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            await using var write = await database.BeginWriteAsync(cancellationToken);
            var ids = (await write.Connection.QueryAsync<long>(SelectBatch, Parameters(now, BatchSize), write.Transaction)).ToArray();
            if (ids.Length == 0)
            {
                await write.Connection.ExecuteAsync(DeleteOperational, Parameters(now, 0), write.Transaction);
                await write.CommitAsync(cancellationToken);
                return total;
            }
            await DeleteEntriesAsync(write, ids);
            await write.CommitAsync(cancellationToken);
            total += ids.Length;
            deleted?.Invoke(total);
        }
    }

    /// <summary>The entries, their matches and deliveries; on SQLite their words in the index first (PostgreSQL's go
    /// with them, by the foreign key).</summary>
    private static async Task DeleteEntriesAsync(WriteScope write, long[] ids)
    {
        if (write.Provider == StorageProvider.Postgres)
        {
            await write.Connection.ExecuteAsync(DeletePostgres, new { Ids = ids }, write.Transaction);
            return;
        }
        var batch = new { Ids = JsonSerializer.Serialize(ids) };
        var indexed = await write.Connection.QueryAsync<(long Id, string? Title, string? Summary, string? Content)>(
            SelectIndexedText, batch, write.Transaction);
        await write.Connection.ExecuteAsync(SearchIndex.ForgetIndexWords,
            indexed.Select(e => new { e.Id, Words = TextTokens.IndexText(e.Title, e.Summary, e.Content) }), write.Transaction);
        await write.Connection.ExecuteAsync(Delete, batch, write.Transaction);
    }

    // Times as each engine compares them: ISO text on SQLite, timestamptz on PostgreSQL (typed even when null).
    private object Parameters(DateTimeOffset now, long limit)
    {
        DateTimeOffset entriesBefore = now - options.Value.KeepEntries!.Value;
        DateTimeOffset? matchedBefore = now - options.Value.KeepMatched;
        if (database.Provider == StorageProvider.Postgres)
            return new { EntriesBefore = entriesBefore, MatchedBefore = matchedBefore, Limit = limit };
        return new { EntriesBefore = Iso.ToText(entriesBefore), MatchedBefore = Iso.ToText(matchedBefore), Limit = limit };
    }
}
