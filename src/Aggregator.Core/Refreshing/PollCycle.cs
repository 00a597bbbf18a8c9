using Aggregator.Monitoring;
using Aggregator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Refreshing;

/// <summary>Polls a set of feeds with bounded concurrency. One feed's failure, even a bug, never stops the others.</summary>
public sealed partial class PollCycle(Database database, FeedStore feeds, FeedRefresher refresher, IOptions<PollingOptions> polling,
    TimeProvider time, AggregatorMetrics metrics, ILogger<PollCycle> logger)
{
    /// <summary>Polls the feeds whose next_check_at has come.</summary>
    /// <param name="alertsQueued">Called each time a feed's alerts have been committed to the outbox.</param>
    public async Task<IReadOnlyList<RefreshReport>> RunDueAsync(CancellationToken cancellationToken, Action? alertsQueued = null)
    {
        var now = time.GetUtcNow();
        var due = (await feeds.GetDueAsync(now, cancellationToken)).Where(feed => !refresher.IsHeldBack(feed, now)).ToList();
        return await RunAsync(due, cancellationToken, alertsQueued);
    }

    /// <param name="alertsQueued">Called each time a feed's alerts have been committed to the outbox.</param>
    /// <param name="finished">Called with each feed's report as soon as that feed is done, from any thread.</param>
    /// <returns>One report per feed, in the order given.</returns>
    public async Task<IReadOnlyList<RefreshReport>> RunAsync(IReadOnlyList<FeedRow> batch, CancellationToken cancellationToken,
        Action? alertsQueued = null, Action<RefreshReport>? finished = null)
    {
        // /healthz tells a stalled scheduler by when a cycle last started: every tick starts one, due feeds or none.
        metrics.CycleStarted(time.GetUtcNow());
        try
        {
            return await RunCycleAsync(batch, alertsQueued, finished, cancellationToken);
        }
        finally
        {
            metrics.CycleEnded(time.GetUtcNow());
        }
    }

    private async Task<IReadOnlyList<RefreshReport>> RunCycleAsync(IReadOnlyList<FeedRow> batch, Action? alertsQueued,
        Action<RefreshReport>? finished, CancellationToken cancellationToken)
    {
        var reports = new RefreshReport[batch.Count];
        var notModified = new NotModifiedChecks(database, logger);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = polling.Value.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(InterleaveHosts(batch), parallel, async (i, ct) =>
        {
            var feed = batch[i];
            try
            {
                reports[i] = await refresher.RefreshAsync(feed, notModified, ct);
                if (reports[i].Alerts > 0) alertsQueued?.Invoke();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCrashed(ex, feed.Id, feed.Url);
                reports[i] = new RefreshReport(feed.Name, feed.Url) { Error = $"internal error: {ex.Message} (see the log)" };
            }
            finished?.Invoke(reports[i]);
        });
        // Written before the cycle returns, so the next one (or the next `poll`) sees these feeds as checked.
        await notModified.FlushAsync(cancellationToken);
        return reports;
    }

    /// <summary>Indexes into <paramref name="batch"/>, one feed per host in turn (each host's feeds in their
    /// order). A host allows Polling:MaxConcurrencyPerHost requests at once; with its feeds side by side, the
    /// workers would queue behind that limit while feeds on other hosts wait for a worker.</summary>
    internal static IEnumerable<int> InterleaveHosts(IReadOnlyList<FeedRow> batch)
    {
        var byHost = new Dictionary<string, Queue<int>>(StringComparer.OrdinalIgnoreCase);
        var hosts = new List<Queue<int>>();
        for (var i = 0; i < batch.Count; i++)
        {
            var host = Uri.TryCreate(batch[i].Url, UriKind.Absolute, out var url) ? url.Authority : batch[i].Url;
            if (!byHost.TryGetValue(host, out var queue))
            {
                byHost[host] = queue = new Queue<int>();
                hosts.Add(queue);
            }
            queue.Enqueue(i);
        }
        while (hosts.Count > 0)
        {
            for (var h = 0; h < hosts.Count; h++) yield return hosts[h].Dequeue();
            hosts.RemoveAll(queue => queue.Count == 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {FeedId} {FeedUrl}: polling it failed on our side")]
    private partial void LogCrashed(Exception exception, long feedId, string feedUrl);
}
