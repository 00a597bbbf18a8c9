using Aggregator.Storage;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Work for the whole cluster, done by one node at a time: a trigger of Quartz's clustered job store fires on one
/// node, and on another if that one dies. Brings the search index up to date (so `aggregator search` on any machine
/// starts from a current index) and forgets nodes not heard from for a day.</summary>
[DisallowConcurrentExecution]
public sealed class ClusterHousekeepingJob(SearchIndex search, NodeStore nodes, TimeProvider time, IHostApplicationLifetime lifetime) : IJob
{
    public static readonly JobKey Key = new("cluster-housekeeping");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await nodes.ForgetAsync(time.GetUtcNow() - NodeStore.KeptFor, stopping.Token);
            await search.UpdateAsync(stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
