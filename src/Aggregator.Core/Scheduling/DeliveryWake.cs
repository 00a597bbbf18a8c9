using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Runs <see cref="DrainOutboxJob"/> now instead of at its next tick, when a poll has queued alerts. The poll
/// job only asks and goes on: it never waits for delivery, so a slow receiver or a heavy alert cannot hold up polling,
/// and delivery never waits for the end of a long cycle. Requests made before the drain starts share one run; one
/// made while it runs queues one more (the job allows no concurrent runs, so Quartz holds it until the first ends).</summary>
public sealed class DeliveryWake(ISchedulerFactory schedulers)
{
    private int _requested;

    public void Request()
    {
        if (Interlocked.Exchange(ref _requested, 1) == 1) return;
        _ = TriggerAsync();
    }

    /// <summary>Called by the drain as it starts: whatever is queued from now on needs another run.</summary>
    internal void Started() => Volatile.Write(ref _requested, 0);

    private async Task TriggerAsync()
    {
        try
        {
            var scheduler = await schedulers.GetScheduler();
            await scheduler.TriggerJob(DrainOutboxJob.Key);
        }
        catch (SchedulerException)
        {
            // Shutting down: the alerts stay in the outbox and go out at the next start.
            Volatile.Write(ref _requested, 0);
        }
    }
}
