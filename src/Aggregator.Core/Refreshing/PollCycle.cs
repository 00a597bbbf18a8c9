using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Aggregator.Monitoring;
using Aggregator.Notifications;
using Aggregator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Refreshing;

/// <summary>Polls a set of feeds with bounded concurrency. One feed's failure, even a bug, never stops the others.</summary>
public sealed partial class PollCycle(Database database, FeedStore feeds, FeedRefresher refresher, IOptions<PollingOptions> polling,
    IOptions<ClusterOptions> cluster, TimeProvider time, AggregatorMetrics metrics, HealthAlerts health, ILogger<PollCycle> logger)
{
    /// <summary>Polls the feeds whose next_check_at has come. On PostgreSQL, where other nodes poll the same feeds, this
    /// node takes them in small batches that it claims first (see <see cref="ClaimedDueAsync"/>).</summary>
    /// <param name="alertsQueued">Called each time a feed's alerts have been committed to the outbox.</param>
    public async Task<IReadOnlyList<RefreshReport>> RunDueAsync(CancellationToken cancellationToken, Action? alertsQueued = null)
    {
        if (database.Provider == StorageProvider.Postgres) return await RunClaimedAsync(cancellationToken, alertsQueued);
        var now = time.GetUtcNow();
        var due = (await feeds.GetDueAsync(now, cancellationToken)).Where(feed => !refresher.IsHeldBack(feed, now)).ToList();
        return await RunAsync(due, cancellationToken, alertsQueued);
    }

    private async Task<IReadOnlyList<RefreshReport>> RunClaimedAsync(CancellationToken cancellationToken, Action? alertsQueued)
    {
        var reports = new ConcurrentQueue<RefreshReport>();
        var notModified = new NotModifiedChecks(database, logger);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = polling.Value.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(ClaimedDueAsync(cancellationToken), parallel,
            async (feed, ct) => reports.Enqueue(await RefreshOneAsync(feed, notModified, alertsQueued, ct)));
        await notModified.FlushAsync(cancellationToken);
        await CheckHealthAsync(alertsQueued, cancellationToken);
        return [.. reports];
    }

    /// <summary>How many feeds a node (or `poll`) claims at a time: two batches' worth of Polling:MaxConcurrency, at
    /// least 8, so that a claim never waits long for its poll.</summary>
    private int ClaimSize => Math.Max(8, polling.Value.MaxConcurrency * 2);

    /// <summary>Due feeds claimed for this node a few at a time, as the workers need them: two batches' worth of
    /// Polling:MaxConcurrency, the most overdue first. A node claims no more than it is about to poll, so nodes share a
    /// cycle's feeds by how fast they go, and a claim never waits long for its poll. The heartbeat extends the claims
    /// (<see cref="FeedStore.RenewClaimsAsync"/>) while the node lives.</summary>
    private async IAsyncEnumerable<FeedRow> ClaimedDueAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var batch = await feeds.ClaimDueAsync(database.Node.Id, now, now + cluster.Value.Lease, ClaimSize, cancellationToken);
            if (batch.Count == 0) yield break;
            var heldBack = batch.Where(feed => refresher.IsHeldBack(feed, now)).Select(feed => feed.Id).ToList();
            if (heldBack.Count > 0) await feeds.ReleaseAsync(database.Node.Id, heldBack, cancellationToken);
            foreach (var i in InterleaveHosts(batch))
            {
                if (!heldBack.Contains(batch[i].Id)) yield return batch[i];
            }
        }
    }

    private async Task<RefreshReport> RefreshOneAsync(FeedRow feed, NotModifiedChecks notModified, Action? alertsQueued, CancellationToken ct)
    {
        RefreshReport report;
        try
        {
            report = await refresher.RefreshAsync(feed, notModified, ct);
            if (report.Alerts > 0) alertsQueued?.Invoke();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCrashed(ex, feed.Id, feed.Url);
            report = new RefreshReport(feed.Name, feed.Url) { Error = $"internal error: {ex.Message} (see the log)" };
        }
        return report;
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
        await Parallel.ForEachAsync(ClaimedInTurnAsync(batch, cancellationToken), parallel, async (turn, ct) =>
        {
            var (i, claimed) = turn;
            var feed = batch[i];
            if (!claimed)
            {
                reports[i] = new RefreshReport(feed.Name, feed.Url) { Succeeded = true, PolledElsewhere = true };
                finished?.Invoke(reports[i]);
                return;
            }
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
        await CheckHealthAsync(alertsQueued, cancellationToken);
        return reports;
    }

    /// <summary>The feeds chosen by `aggregator poll`, hosts interleaved, each with whether this run may poll it. On
    /// PostgreSQL they are claimed as a node claims due ones, a few at a time as the workers need them (two batches'
    /// worth of Polling:MaxConcurrency, not the run's feeds at once, whose last ones would wait past the lease), so a
    /// feed that a node is polling right now is left to it (its report says so) and no node takes one while this run
    /// polls it. The poll's outcome ends the claim, as on a node. On SQLite every feed may be polled.</summary>
    private async IAsyncEnumerable<(int Index, bool Claimed)> ClaimedInTurnAsync(IReadOnlyList<FeedRow> batch,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var turn in InterleaveHosts(batch).Chunk(ClaimSize))
        {
            IReadOnlySet<long>? claimed = null;
            if (database.Provider == StorageProvider.Postgres)
            {
                var now = time.GetUtcNow();
                claimed = await feeds.ClaimAsync([.. turn.Select(i => batch[i].Id)], database.Node.Id, now, now + cluster.Value.Lease, cancellationToken);
            }
            foreach (var i in turn) yield return (i, claimed is null || claimed.Contains(batch[i].Id));
        }
    }

    /// <summary>After each cycle, with every feed's outcome written: feeds failing, gone, moved or silent are alerted
    /// on (Aggregator:Health:Notify), and the cycle's delivery is woken for those alerts.</summary>
    private async Task CheckHealthAsync(Action? alertsQueued, CancellationToken cancellationToken)
    {
        if (await health.TryCheckAsync(HealthChecks.Feeds, cancellationToken) > 0) alertsQueued?.Invoke();
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
