namespace Aggregator.Storage;

/// <summary>A row of the nodes table, with what the node did in the last hour.</summary>
public sealed class NodeRow
{
    public string Id { get; set; } = "";
    public string Host { get; set; } = "";
    public long Pid { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastHeartbeatAt { get; set; }
    public DateTimeOffset? StoppedAt { get; set; }
    /// <summary>Feeds whose last check, within the hour, was this node's (PostgreSQL; 0 on SQLite).</summary>
    public long FeedsPolled { get; set; }
    /// <summary>Alerts this node delivered within the hour (PostgreSQL; 0 on SQLite).</summary>
    public long AlertsSent { get; set; }

    /// <summary>"stopped" after a clean stop; "alive" when heard from within a lease (Aggregator:Cluster:Lease);
    /// "dead" after it, when its claims are anybody's.</summary>
    public string StateAt(DateTimeOffset now, TimeSpan lease) =>
        StoppedAt is not null ? "stopped" : now - LastHeartbeatAt <= lease ? "alive" : "dead";
}
