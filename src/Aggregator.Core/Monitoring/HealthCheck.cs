using Aggregator.Storage;
using Dapper;
using Microsoft.Extensions.Options;

namespace Aggregator.Monitoring;

/// <summary>Reads the service's health: when poll cycles last ran (from <see cref="AggregatorMetrics"/>), the feeds by state
/// and the outbox's depth (from the database, one small query each); on PostgreSQL also the cluster as this node sees it.</summary>
/// <param name="cluster">Its lease tells an alive node from a dead one (the defaults when not given).</param>
public sealed class HealthCheck(Database database, AggregatorMetrics metrics, TimeProvider time, IOptions<ClusterOptions>? cluster = null)
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    private const string FeedStates = """
        SELECT CASE WHEN enabled = FALSE THEN 'disabled' WHEN gone_at IS NOT NULL THEN 'gone' WHEN error_count > 0 THEN 'erroring'
                    WHEN last_success_at IS NULL THEN 'new' ELSE 'ok' END AS State, count(*) AS Count
        FROM feeds GROUP BY 1
        """;

    private const string Outbox = """
        SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') AS Pending,
               (SELECT count(*) FROM outbox WHERE status = 'dead') AS Dead,
               (SELECT min(created_at) FROM outbox WHERE status = 'pending') AS OldestPending
        """;

    /// <param name="stallAfter">How long without a new poll cycle means the scheduler is stuck.</param>
    public async Task<HealthReport> ReadAsync(TimeSpan stallAfter, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var lastStart = metrics.LastCycleStarted;
        var stalled = now - (lastStart ?? _startedAt) > stallAfter;
        await using var connection = await database.OpenAsync(cancellationToken);
        var feeds = new Dictionary<string, long> { ["ok"] = 0, ["erroring"] = 0, ["gone"] = 0, ["new"] = 0, ["disabled"] = 0 };
        foreach (var (state, count) in await connection.QueryAsync<(string State, long Count)>(FeedStates)) feeds[state] = count;
        var (pending, dead, oldest) = await connection.QuerySingleAsync<(long Pending, long Dead, DateTimeOffset? OldestPending)>(Outbox);
        return new HealthReport(now, Ready: lastStart is not null && !stalled, stalled, stallAfter, _startedAt, lastStart, metrics.LastCycleEnded,
            metrics.CycleRunning, feeds, pending, dead, oldest,
            Node: database.Provider == StorageProvider.Postgres ? database.Node.Id : null,
            Nodes: database.Provider == StorageProvider.Postgres ? await ReadNodesAsync(now, cancellationToken) : null);
    }

    private async Task<IReadOnlyList<NodeHealth>> ReadNodesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lease = (cluster?.Value ?? new ClusterOptions()).Lease;
        var nodes = await new NodeStore(database).ListAsync(now - NodeStore.KeptFor, now, cancellationToken);
        return [.. nodes.Select(n => new NodeHealth(n.Id, n.Host, n.StateAt(now, lease), n.LastHeartbeatAt, n.FeedsPolled, n.AlertsSent))];
    }
}
