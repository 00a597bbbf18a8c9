using Dapper;

namespace Aggregator.Storage;

/// <summary>The nodes table: each running service's row, its heartbeat, and what the cluster looks like from here.</summary>
public sealed class NodeStore(Database database)
{
    /// <summary>How long the row of a node not heard from (stopped, or dead) is kept and shown: a day, then
    /// housekeeping deletes it (<see cref="ForgetAsync"/>).</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);

    private const string Upsert = """
        INSERT INTO nodes (id, host, pid, started_at, last_heartbeat_at)
        VALUES (@Id, @Host, @Pid, @Now, @Now)
        ON CONFLICT (id) DO UPDATE SET last_heartbeat_at = excluded.last_heartbeat_at, stopped_at = NULL
        """;

    /// <summary>This node is alive now: its row is written (the first time) or its heartbeat moved on.</summary>
    public async Task HeartbeatAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var node = database.Node;
        await using var write = await database.BeginWriteAsync(cancellationToken);
        await write.Connection.ExecuteAsync(Upsert, new { node.Id, node.Host, node.Pid, Now = now }, write.Transaction);
        await write.CommitAsync(cancellationToken);
    }

    /// <summary>A clean stop: the node says so, rather than waiting to be counted dead.</summary>
    public async Task StoppedAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        await write.Connection.ExecuteAsync("UPDATE nodes SET stopped_at = @Now WHERE id = @Id", new { database.Node.Id, Now = now }, write.Transaction);
        await write.CommitAsync(cancellationToken);
    }

    /// <summary>Deletes the rows of nodes not heard from since <paramref name="before"/>.</summary>
    public async Task ForgetAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        await write.Connection.ExecuteAsync("DELETE FROM nodes WHERE last_heartbeat_at < @Before", new { Before = before }, write.Transaction);
        await write.CommitAsync(cancellationToken);
    }

    private const string SelectRecent = """
        SELECT * FROM nodes WHERE last_heartbeat_at >= @Since ORDER BY started_at, id
        """;

    // Per node, the feeds whose last check in the hour was its poll, and the alerts it delivered in the hour.
    private const string SelectActivity = """
        SELECT n.id,
               (SELECT count(*) FROM feeds f WHERE f.last_checked_at >= @HourAgo AND f.last_checked_by = n.id) AS feeds_polled,
               (SELECT count(*) FROM outbox o WHERE o.delivered_at >= @HourAgo AND o.delivered_by = n.id) AS alerts_sent
        FROM nodes n WHERE n.last_heartbeat_at >= @Since
        """;

    /// <summary>The nodes heard from since <paramref name="since"/>, oldest first, with their last hour's work.</summary>
    public async Task<IReadOnlyList<NodeRow>> ListAsync(DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var nodes = (await connection.QueryAsync<NodeRow>(SelectRecent, new { Since = since })).AsList();
        if (database.Provider != StorageProvider.Postgres) return nodes;
        var activity = (await connection.QueryAsync<(string Id, long FeedsPolled, long AlertsSent)>(SelectActivity,
            new { Since = since, HourAgo = now - TimeSpan.FromHours(1) })).ToDictionary(a => a.Id);
        foreach (var node in nodes)
        {
            if (!activity.TryGetValue(node.Id, out var done)) continue;
            node.FeedsPolled = done.FeedsPolled;
            node.AlertsSent = done.AlertsSent;
        }
        return nodes;
    }
}
