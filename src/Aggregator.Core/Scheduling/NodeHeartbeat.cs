using Aggregator.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Scheduling;

/// <summary>This node's heartbeat, every Cluster:Heartbeat while `run` runs: its row in `nodes` (what `status` and
/// /healthz show) and, on PostgreSQL, its claims on feeds extended by one lease. A node that stops beating is counted
/// dead after a lease and its feeds go to the others. A clean stop says so in its row. On SQLite, where no cluster
/// housekeeping runs (<see cref="ClusterHousekeepingJob"/>), it also deletes, at start and then hourly, the rows of
/// nodes not heard from for <see cref="NodeStore.KeptFor"/>: each `run` leaves one behind.</summary>
public sealed partial class NodeHeartbeat(NodeStore nodes, FeedStore feeds, Database database, IOptions<ClusterOptions> cluster,
    TimeProvider time, ILogger<NodeHeartbeat> logger) : BackgroundService
{
    /// <summary>How often, on SQLite, the rows of nodes gone for a day are looked for.</summary>
    public static readonly TimeSpan ForgetEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cluster.Value.Heartbeat, time);
        DateTimeOffset? forgotAt = null;
        do
        {
            try
            {
                var now = time.GetUtcNow();
                await nodes.HeartbeatAsync(now, stoppingToken);
                if (database.Provider == StorageProvider.Postgres)
                    await feeds.RenewClaimsAsync(database.Node.Id, now, now + cluster.Value.Lease, stoppingToken);
                else if (forgotAt is null || now - forgotAt >= ForgetEvery)
                {
                    await nodes.ForgetAsync(now - NodeStore.KeptFor, stoppingToken);
                    forgotAt = now;
                }
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
            {
                // The database is away: the next beat tries again; past a lease the other nodes take this one's work.
                LogMissed(database.Node.Id, database.Name, ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await nodes.StoppedAsync(time.GetUtcNow(), cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or InvalidOperationException)
        {
            LogMissed(database.Node.Id, database.Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId}: its heartbeat could not be written to {Database} ({Reason}); retrying at the next one")]
    private partial void LogMissed(string nodeId, string database, string reason);
}
