namespace Aggregator.Monitoring;

/// <summary>What /healthz answers: whether the scheduler is alive, and the state of the feeds and the outbox.</summary>
/// <param name="Stalled">No poll cycle has started for <paramref name="StallAfter"/>: the scheduler is stuck (503).</param>
/// <param name="Ready">The service has started a poll cycle and is not stalled.</param>
/// <param name="Feeds">Enabled feeds by state: ok, erroring, gone, new (never read yet); and disabled ones.</param>
/// <param name="Node">This node's id (PostgreSQL; null on SQLite, which has no cluster).</param>
/// <param name="Nodes">The nodes heard from in the last day, this one among them (PostgreSQL; null on SQLite).</param>
public sealed record HealthReport(
    DateTimeOffset At,
    bool Ready,
    bool Stalled,
    TimeSpan StallAfter,
    DateTimeOffset StartedAt,
    DateTimeOffset? LastCycleStart,
    DateTimeOffset? LastCycleEnd,
    bool CycleRunning,
    IReadOnlyDictionary<string, long> Feeds,
    long OutboxPending,
    long OutboxDead,
    DateTimeOffset? OldestPending,
    string? Node = null,
    IReadOnlyList<NodeHealth>? Nodes = null);
