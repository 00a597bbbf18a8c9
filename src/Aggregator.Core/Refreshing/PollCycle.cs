using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Refreshing;

/// <summary>Polls a set of feeds with bounded concurrency. One feed's failure, even a bug, never stops the others.</summary>
public sealed partial class PollCycle(FeedStore feeds, FeedRefresher refresher, IOptions<PollingOptions> polling,
    TimeProvider time, ILogger<PollCycle> logger)
{
    /// <summary>Polls the feeds whose next_check_at has come.</summary>
    public async Task<IReadOnlyList<RefreshReport>> RunDueAsync(CancellationToken cancellationToken)
    {
        var due = await feeds.GetDueAsync(time.GetUtcNow(), cancellationToken);
        return await RunAsync(due, cancellationToken);
    }

    /// <returns>One report per feed, in the order given.</returns>
    public async Task<IReadOnlyList<RefreshReport>> RunAsync(IReadOnlyList<FeedRow> batch, CancellationToken cancellationToken)
    {
        var reports = new RefreshReport[batch.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = polling.Value.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), parallel, async (i, ct) =>
        {
            var feed = batch[i];
            try
            {
                reports[i] = await refresher.RefreshAsync(feed, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCrashed(ex, feed.Id, feed.Url);
                reports[i] = new RefreshReport(feed.Name, feed.Url) { Error = $"internal error: {ex.Message} (see the log)" };
            }
        });
        return reports;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {FeedId} {FeedUrl}: polling it failed on our side")]
    private partial void LogCrashed(Exception exception, long feedId, string feedUrl);
}
