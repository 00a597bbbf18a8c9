using Aggregator.Storage;
using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Aggregator.Refreshing;

/// <summary>The fetch state of feeds that answered 304 in a poll cycle, written a hundred at a time in one
/// transaction: one each made most of a cycle's 1,000 commits queue for the single writer. A check lost to a
/// crash, or to a database that refuses the write, only means that feed is asked again, and answers 304 again.</summary>
public sealed partial class NotModifiedChecks(Database database, ILogger logger)
{
    private const int BatchSize = 100;

    private readonly List<FeedCheck> _pending = [];

    public async Task AddAsync(FeedCheck check, CancellationToken cancellationToken)
    {
        lock (_pending)
        {
            _pending.Add(check);
            if (_pending.Count < BatchSize) return;
        }
        await FlushAsync(cancellationToken);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        FeedCheck[] batch;
        lock (_pending)
        {
            batch = [.. _pending];
            _pending.Clear();
        }
        if (batch.Length == 0) return;
        try
        {
            await using var write = await database.BeginWriteAsync(cancellationToken);
            foreach (var check in batch) await FeedStore.RecordCheckAsync(write, check);
            await write.CommitAsync(cancellationToken);
        }
        catch (DbException ex)
        {
            // Not the fault of whichever feed filled the batch, and nothing to alert on: the feeds stay due.
            LogNotRecorded(ex, batch.Length, database.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} feeds answered 304 but could not be recorded as checked in {Database}; they stay due and will be polled again")]
    private partial void LogNotRecorded(Exception exception, int count, string database);
}
