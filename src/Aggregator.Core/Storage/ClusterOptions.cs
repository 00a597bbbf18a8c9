namespace Aggregator.Storage;

/// <summary>The keys of "Aggregator:Cluster": how nodes sharing a PostgreSQL database hand work to each other.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Aggregator:Cluster";

    /// <summary>How often a running node says it is alive (its row in `nodes`) and extends its claims.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claim on a feed or a delivery lasts without a heartbeat: the longest a dead node's work waits
    /// before another node takes it over. Longer than a notifier's Timeout, since a send in flight is not renewed.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
}
