using System.Collections.Concurrent;
using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Notifications;

/// <summary>Sends what the outbox says is due. A delivery is marked delivered only after the notifier
/// confirmed it, so a crash in between resends it once, with the same delivery id (at-least-once,
/// made effectively-once by receivers that honour the id). Failures back off exponentially with jitter;
/// permanent ones and those out of attempts are dead-lettered with the reason.</summary>
public sealed partial class OutboxDispatcher(
    OutboxStore outbox,
    NotifierRegistry notifiers,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    private const int BatchSize = 256;

    // One drain at a time in this process: the poll job and the outbox job both drain, and two drains
    // picking the same due row would send it twice.
    private readonly SemaphoreSlim _draining = new(1, 1);

    public async Task<DrainReport> DrainAsync(CancellationToken cancellationToken)
    {
        await _draining.WaitAsync(cancellationToken);
        try
        {
            return await DrainOnceAsync(cancellationToken);
        }
        finally
        {
            _draining.Release();
        }
    }

    private async Task<DrainReport> DrainOnceAsync(CancellationToken cancellationToken)
    {
        int delivered = 0, retrying = 0, dead = 0;
        var seen = new ConcurrentDictionary<string, bool>();
        var settings = options.Value;
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = (await outbox.GetDueAsync(time.GetUtcNow(), BatchSize, cancellationToken))
                .Where(row => seen.TryAdd(row.Id, true)).ToArray();
            if (due.Length == 0) break;

            var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxConcurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(due, parallel, async (row, ct) =>
            {
                switch (await DeliverAsync(row, settings, ct))
                {
                    case DeliveryStatus.Delivered: Interlocked.Increment(ref delivered); break;
                    case DeliveryStatus.Retry: Interlocked.Increment(ref retrying); break;
                    default: Interlocked.Increment(ref dead); break;
                }
            });
        }
        return new DrainReport(delivered, retrying, dead);
    }

    private async Task<DeliveryStatus> DeliverAsync(OutboxRow row, DeliveryOptions settings, CancellationToken cancellationToken)
    {
        DeliveryOutcome outcome;
        var notifier = notifiers.Find(row.Notifier);
        if (notifier is null)
        {
            outcome = DeliveryOutcome.Retry($"notifier '{row.Notifier}' is not configured any more; add it back under \"Notifiers\" in appsettings.json or requeue elsewhere");
        }
        else
        {
            try
            {
                outcome = await notifier.SendAsync(AlertJson.Deserialize(row.Payload), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogNotifierBug(ex, row.Id, row.Notifier);
                outcome = DeliveryOutcome.Retry($"internal error in notifier '{row.Notifier}': {ex.Message}");
            }
        }

        // Bookkeeping must land even when shutdown is under way: the message has already gone out.
        var attempts = (int)row.Attempts + 1;
        switch (outcome.Status)
        {
            case DeliveryStatus.Delivered:
                await outbox.MarkDeliveredAsync(row.Id, time.GetUtcNow(), CancellationToken.None);
                LogDelivered(row.Id, row.Notifier, attempts);
                return DeliveryStatus.Delivered;
            case DeliveryStatus.Retry when attempts < settings.MaxAttempts:
                var next = time.GetUtcNow() + RetryDelay(attempts, outcome.RetryAfter, settings);
                await outbox.MarkRetryAsync(row.Id, next, outcome.Error ?? "failed", CancellationToken.None);
                LogRetrying(row.Id, row.Notifier, attempts, next, outcome.Error);
                return DeliveryStatus.Retry;
            default:
                var reason = outcome.Status == DeliveryStatus.Permanent
                    ? outcome.Error ?? "permanent failure"
                    : $"gave up after {attempts} attempts (Aggregator:Delivery:MaxAttempts); last error: {outcome.Error}";
                await outbox.MarkDeadAsync(row.Id, reason, CancellationToken.None);
                LogDead(row.Id, row.Notifier, reason);
                return DeliveryStatus.Permanent;
        }
    }

    /// <summary>FirstRetryDelay doubled per attempt, up to MaxRetryDelay, with "equal jitter" (half fixed, half
    /// random) so many alerts failing together do not retry together. A server's Retry-After wins when longer.</summary>
    internal static TimeSpan RetryDelay(int attempts, TimeSpan? retryAfter, DeliveryOptions settings)
    {
        var ceiling = settings.FirstRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 20));
        if (ceiling > settings.MaxRetryDelay) ceiling = settings.MaxRetryDelay;
        var delay = ceiling / 2 + ceiling / 2 * Random.Shared.NextDouble();
        return retryAfter is { } wait && wait > delay ? (wait > settings.MaxRetryDelay ? settings.MaxRetryDelay : wait) : delay;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} via {Notifier}: delivered (attempt {Attempt})")]
    private partial void LogDelivered(string deliveryId, string notifier, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} via {Notifier}: attempt {Attempt} failed, next at {NextAttemptAt}: {Error}")]
    private partial void LogRetrying(string deliveryId, string notifier, int attempt, DateTimeOffset nextAttemptAt, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} via {Notifier}: dead-lettered: {Reason}")]
    private partial void LogDead(string deliveryId, string notifier, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} via {Notifier}: the notifier threw")]
    private partial void LogNotifierBug(Exception exception, string deliveryId, string notifier);
}
