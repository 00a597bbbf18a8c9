using System.Collections.Concurrent;
using System.Threading.Channels;
using Aggregator.Monitoring;
using Aggregator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Notifications;

/// <summary>Sends what the outbox says is due. A delivery is marked delivered only after the notifier
/// confirmed it, so a crash in between resends it once, with the same delivery id (at-least-once,
/// made effectively-once by receivers that honour the id). Failures back off exponentially with jitter;
/// permanent ones and those out of attempts are dead-lettered with the reason. Delivery:MaxConcurrency
/// (default 1) bounds what is in flight, and so what a crash can resend.</summary>
public sealed partial class OutboxDispatcher(
    OutboxStore outbox,
    NotifierRegistry notifiers,
    Database database,
    IOptions<DeliveryOptions> options,
    IOptions<ClusterOptions> cluster,
    TimeProvider time,
    Random random,
    AggregatorMetrics metrics,
    ILogger<OutboxDispatcher> logger,
    HealthAlerts? health = null)
{
    private const int BatchSize = 256;

    // One drain at a time in this process: the poll job and the outbox job both drain, and two drains
    // picking the same due row would send it twice. DeliveryLock does the same across processes on SQLite; on
    // PostgreSQL each node sends only the rows it has claimed.
    private readonly SemaphoreSlim _draining = new(1, 1);

    // The service's hold on the delivery lock, for as long as it runs (see HoldDeliveryLock).
    private DeliveryLock? _heldLock;

    public Task<DrainReport> DrainAsync(CancellationToken cancellationToken) => DrainAsync(NewFailingSet(), cancellationToken);

    /// <summary>Takes the database's delivery lock for the life of this process, as the service does: then no other
    /// process (`aggregator poll`, a second service) sends from this database while it runs.</summary>
    /// <returns>False when another process holds it.</returns>
    public bool HoldDeliveryLock()
    {
        if (database is not SqliteDatabase sqlite) return true; // PostgreSQL: claims, not a lock (several nodes deliver)
        _heldLock ??= DeliveryLock.TryAcquire(sqlite.Path);
        return _heldLock is not null;
    }

    /// <summary>Starts delivering alongside a poll cycle: each <see cref="AlongsidePolling.AlertsQueued"/>
    /// wakes a pass, and <see cref="AlongsidePolling.FinishAsync"/> makes the last one. The first alert of a
    /// long cycle goes out while the other feeds are still being read, and the network waits of sending overlap
    /// with the cycle's work instead of following it.</summary>
    public AlongsidePolling StartAlongsidePolling(CancellationToken cancellationToken) => new(this, cancellationToken);

    /// <param name="failing">Notifiers that failed in a way worth retrying (down, timing out, 5xx) earlier in this
    /// pass, or in the same poll cycle: they are not tried again, so a dead server costs one timeout, not one per
    /// alert, and their other alerts keep their attempt count.</param>
    private async Task<DrainReport> DrainAsync(ConcurrentDictionary<string, bool> failing, CancellationToken cancellationToken)
    {
        await _draining.WaitAsync(cancellationToken);
        try
        {
            if (database is not SqliteDatabase sqlite) return await DrainOnceAsync(failing, cancellationToken);
            using var crossProcess = _heldLock is null ? DeliveryLock.TryAcquire(sqlite.Path) : null;
            if (_heldLock is null && crossProcess is null)
            {
                LogOtherProcessDelivering(sqlite.Path);
                return new DrainReport(0, 0, 0, OtherProcessDelivering: true);
            }
            return await DrainOnceAsync(failing, cancellationToken);
        }
        finally
        {
            _draining.Release();
        }
    }

    private Task<ClaimedAlerts> ClaimedElsewhereAsync(CancellationToken cancellationToken) =>
        outbox.ClaimedElsewhereAsync(time.GetUtcNow(), cancellationToken);

    /// <summary>One message to send: a single alert, or every row of a digest.</summary>
    private sealed record Delivery(string Notifier, IReadOnlyList<OutboxRow> Rows);

    private static ConcurrentDictionary<string, bool> NewFailingSet() => new(StringComparer.OrdinalIgnoreCase);

    private async Task<DrainReport> DrainOnceAsync(ConcurrentDictionary<string, bool> failing, CancellationToken cancellationToken)
    {
        int delivered = 0, retrying = 0, dead = 0;
        var seen = new HashSet<string>();
        var settings = options.Value;
        var healthChecked = false;
        // PostgreSQL: rows claimed and set aside in this pass (their notifier failed, or they came due again) stay
        // claimed until the pass ends, so the next claim reaches past them to other notifiers' rows; released then.
        var setAside = new List<string>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var deliveries = new List<Delivery>();
                var again = new List<string>(); // due again in this pass (a retry soon due): left for the next pass
                var now = time.GetUtcNow();
                foreach (var row in await outbox.GetDueAsync(now, ClaimSize(settings), cancellationToken, now + cluster.Value.Lease))
                {
                    if (!seen.Add(row.Id))
                    {
                        again.Add(row.Id);
                        continue;
                    }
                    if (row.DigestKey is null)
                    {
                        deliveries.Add(new Delivery(row.Notifier, [row]));
                        continue;
                    }
                    var rows = await outbox.GetDigestAsync(row.Notifier, row.DigestKey, cancellationToken);
                    seen.UnionWith(rows.Select(r => r.Id));
                    deliveries.Add(new Delivery(row.Notifier, rows.Count > 0 ? rows : [row]));
                }
                if (deliveries.Count == 0)
                {
                    setAside.AddRange(again);
                    // With this pass's attempts recorded: dead letters and failing notifiers are alerted on
                    // (Aggregator:Health:Notify), and those alerts go out in this drain.
                    if (!healthChecked && health is { Enabled: true })
                    {
                        healthChecked = true;
                        if (await health.TryCheckAsync(HealthChecks.Deliveries, cancellationToken) > 0) continue;
                    }
                    break;
                }

                var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency, CancellationToken = cancellationToken };
                var attempted = new ConcurrentBag<Delivery>();
                try
                {
                    await Parallel.ForEachAsync(deliveries, parallel, async (delivery, ct) =>
                    {
                        if (failing.ContainsKey(delivery.Notifier)) return;
                        // PostgreSQL: still this node's? A row that waited here past its lease may have gone to another node.
                        if (database.Provider == StorageProvider.Postgres
                            && !await outbox.RenewClaimAsync([.. delivery.Rows.Select(r => r.Id)], time.GetUtcNow() + cluster.Value.Lease, ct)) return;
                        attempted.Add(delivery);
                        var status = await DeliverAsync(delivery, settings, ct);
                        var rows = delivery.Rows.Count;
                        switch (status)
                        {
                            case DeliveryStatus.Delivered: Interlocked.Add(ref delivered, rows); break;
                            case DeliveryStatus.Retry:
                                Interlocked.Add(ref retrying, rows);
                                failing.TryAdd(delivery.Notifier, true);
                                break;
                            default: Interlocked.Add(ref dead, rows); break;
                        }
                    });
                }
                finally
                {
                    var tried = attempted.SelectMany(d => d.Rows).Select(r => r.Id).ToHashSet();
                    setAside.AddRange(deliveries.SelectMany(d => d.Rows).Select(r => r.Id).Where(id => !tried.Contains(id)).Concat(again));
                }
            }
        }
        finally
        {
            // PostgreSQL: what this pass claimed and did not try (its notifier was set aside, or the node is stopping)
            // goes back at once, for the next pass or another node, instead of waiting out the lease.
            if (setAside.Count > 0 && database.Provider == StorageProvider.Postgres) await outbox.ReleaseAsync(setAside, CancellationToken.None);
        }
        return new DrainReport(delivered, retrying, dead);
    }

    /// <summary>How many due rows one pass takes. On PostgreSQL they are claimed for this node, so it takes only what it
    /// is about to send: the nodes share the outbox by how fast they send, and a node that dies strands a few rows for a
    /// lease, not a batch of hundreds.</summary>
    private int ClaimSize(DeliveryOptions settings) =>
        database.Provider == StorageProvider.Postgres ? Math.Min(BatchSize, settings.MaxConcurrency * 4) : BatchSize;

    private async Task<DeliveryStatus> DeliverAsync(Delivery delivery, DeliveryOptions settings, CancellationToken cancellationToken)
    {
        var first = delivery.Rows[0];
        DeliveryOutcome outcome;
        var notifier = notifiers.Find(delivery.Notifier);
        var period = first.DigestKey is null ? null : DigestPeriod.Parse(first.DigestKey);
        var deliveryId = period is null ? first.Id : Digest.IdFor(delivery.Notifier, period, delivery.Rows.Select(r => r.Id));

        if (notifier is null)
        {
            outcome = DeliveryOutcome.Retry($"notifier '{delivery.Notifier}' is not configured any more; add it back under \"Notifiers\" in appsettings.json or requeue elsewhere");
        }
        else
        {
            try
            {
                outcome = period is null
                    ? await notifier.SendAsync(AlertJson.Deserialize(first.Payload), cancellationToken)
                    : await notifier.SendDigestAsync(new Digest(deliveryId, delivery.Notifier, period,
                        [.. delivery.Rows.Select(r => AlertJson.Deserialize(r.Payload))], first.Held), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogNotifierBug(ex, deliveryId, delivery.Notifier);
                outcome = DeliveryOutcome.Retry($"internal error in notifier '{delivery.Notifier}': {ex.Message}");
            }
        }

        // Bookkeeping must land even when shutdown is under way: the message has already gone out.
        var ids = delivery.Rows.Select(r => r.Id).ToArray();
        var attempts = (int)delivery.Rows.Max(r => r.Attempts) + 1;
        switch (outcome.Status)
        {
            case DeliveryStatus.Delivered:
                await outbox.MarkDeliveredAsync(ids, time.GetUtcNow(), CancellationToken.None);
                metrics.Delivered(delivery.Notifier, "delivered", ids.Length);
                LogDelivered(deliveryId, delivery.Notifier, ids.Length, attempts);
                return DeliveryStatus.Delivered;
            case DeliveryStatus.Retry when attempts < settings.MaxAttempts:
                var next = time.GetUtcNow() + RetryDelay(attempts, outcome.RetryAfter, settings, random);
                await outbox.MarkRetryAsync(ids, time.GetUtcNow(), next, outcome.Error ?? "failed", CancellationToken.None);
                metrics.Delivered(delivery.Notifier, "retry", ids.Length);
                LogRetrying(deliveryId, delivery.Notifier, attempts, Iso.ToText(next), outcome.Error);
                return DeliveryStatus.Retry;
            default:
                var reason = outcome.Status == DeliveryStatus.Permanent
                    ? outcome.Error ?? "permanent failure"
                    : $"gave up after {attempts} attempts (Aggregator:Delivery:MaxAttempts); last error: {outcome.Error}";
                await outbox.MarkDeadAsync(ids, time.GetUtcNow(), reason, CancellationToken.None);
                metrics.Delivered(delivery.Notifier, "dead", ids.Length);
                LogDead(deliveryId, delivery.Notifier, reason);
                return DeliveryStatus.Permanent;
        }
    }

    /// <summary>Delivery passes while a poll cycle runs; see <see cref="StartAlongsidePolling"/>.</summary>
    public sealed class AlongsidePolling
    {
        private readonly OutboxDispatcher _dispatcher;
        private readonly CancellationToken _cancellationToken;
        private readonly ConcurrentDictionary<string, bool> _failing = NewFailingSet();
        // One wake-up waiting is enough: a pass sends everything due when it starts.
        private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private readonly Task<DrainReport> _passes;

        internal AlongsidePolling(OutboxDispatcher dispatcher, CancellationToken cancellationToken)
        {
            _dispatcher = dispatcher;
            _cancellationToken = cancellationToken;
            _passes = RunPassesAsync();
        }

        /// <summary>A feed's alerts have been committed to the outbox.</summary>
        public void AlertsQueued() => _wake.Writer.TryWrite(true);

        /// <summary>Waits for the pass under way, makes a last one (for alerts queued since, and retries now due)
        /// and returns what all of them did.</summary>
        public async Task<DrainReport> FinishAsync()
        {
            _wake.Writer.TryComplete();
            var report = Add(await _passes, await _dispatcher.DrainAsync(_failing, _cancellationToken));
            var claimed = await _dispatcher.ClaimedElsewhereAsync(_cancellationToken);
            return claimed.Alerts > 0 ? report with { ClaimedElsewhere = claimed } : report;
        }

        private async Task<DrainReport> RunPassesAsync()
        {
            var report = new DrainReport(0, 0, 0);
            await foreach (var _ in _wake.Reader.ReadAllAsync(_cancellationToken))
                report = Add(report, await _dispatcher.DrainAsync(_failing, _cancellationToken));
            return report;
        }

        private static DrainReport Add(DrainReport a, DrainReport b) => new(a.Delivered + b.Delivered, a.Retrying + b.Retrying,
            a.Dead + b.Dead, a.OtherProcessDelivering || b.OtherProcessDelivering);
    }

    /// <summary>FirstRetryDelay doubled per attempt, up to MaxRetryDelay, with "equal jitter" (half fixed, half
    /// random) so many alerts failing together do not retry together. A server's Retry-After wins when longer.</summary>
    /// <param name="random">Random.Shared in the application (registered in DI, so a test can fix it).</param>
    internal static TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter, DeliveryOptions settings, Random random)
    {
        var ceiling = settings.FirstRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        if (ceiling > settings.MaxRetryDelay) ceiling = settings.MaxRetryDelay;
        var delay = ceiling / 2 + ceiling / 2 * random.NextDouble();
        return retryAfter is { } wait && wait > delay ? (wait > settings.MaxRetryDelay ? settings.MaxRetryDelay : wait) : delay;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} via {Notifier}: delivered, {Alerts} alert(s) (attempt {Attempt})")]
    private partial void LogDelivered(string deliveryId, string notifier, int alerts, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another aggregator process is delivering from {Database}; it sends what is due")]
    private partial void LogOtherProcessDelivering(string database);

    // The time as ISO 8601 UTC text (as the database and webhooks write it), not in the machine's culture.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} via {Notifier}: attempt {Attempt} failed, next at {NextAttemptAt}: {Error}")]
    private partial void LogRetrying(string deliveryId, string notifier, int attempt, string nextAttemptAt, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} via {Notifier}: dead-lettered: {Reason}")]
    private partial void LogDead(string deliveryId, string notifier, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} via {Notifier}: the notifier threw")]
    private partial void LogNotifierBug(Exception exception, string deliveryId, string notifier);
}
