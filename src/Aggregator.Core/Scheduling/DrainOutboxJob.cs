using Aggregator.Notifications;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Every Delivery:Tick, and whenever a poll has queued alerts (<see cref="DeliveryWake"/>): send the
/// deliveries whose (next) attempt is due, including retries and those left by a restart.</summary>
[DisallowConcurrentExecution]
public sealed class DrainOutboxJob(OutboxDispatcher dispatcher, DeliveryWake wake, IHostApplicationLifetime lifetime) : IJob
{
    public static readonly JobKey Key = new("drain-outbox");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        wake.Started();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await dispatcher.DrainAsync(stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
