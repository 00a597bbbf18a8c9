using Aggregator.Refreshing;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Every Polling:Tick: poll the feeds that are due. Each feed that queues alerts wakes the delivery job,
/// which sends them while the cycle goes on; the cycle never waits for delivery.</summary>
[DisallowConcurrentExecution]
public sealed class PollDueFeedsJob(PollCycle cycle, DeliveryWake delivery, IHostApplicationLifetime lifetime) : IJob
{
    public static readonly JobKey Key = new("poll-due-feeds");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // On shutdown, polls in flight are abandoned: each feed's write is one transaction, so an abandoned
        // poll leaves nothing half-stored and the feed is simply polled again next time.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await cycle.RunDueAsync(stopping.Token, delivery.Request);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
