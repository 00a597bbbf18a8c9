namespace Aggregator.Storage;

/// <summary>Due alerts that other nodes hold claims on (PostgreSQL), and when the last of those claims ends.</summary>
public sealed class ClaimedAlerts
{
    public long Alerts { get; set; }
    public DateTimeOffset? Until { get; set; }
}
