using Aggregator.Notifications;
using Aggregator.Refreshing;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Every Polling:Tick: poll the feeds that are due, sending what they match as it is found.</summary>
[DisallowConcurrentExecution]
public sealed class PollDueFeedsJob(PollCycle cycle, OutboxDispatcher dispatcher, IHostApplicationLifetime lifetime) : IJob
{
    public static readonly JobKey Key = new("poll-due-feeds");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // On shutdown, polls in flight are abandoned: each feed's write is one transaction, so an abandoned
        // poll leaves nothing half-stored and the feed is simply polled again next time.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            var delivery = dispatcher.StartAlongsidePolling(stopping.Token);
            try
            {
                await cycle.RunDueAsync(stopping.Token, delivery.AlertsQueued);
            }
            finally
            {
                await delivery.FinishAsync();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
