namespace Aggregator.Storage;

/// <summary>A row of health_problems: one thing the monitor found wrong with itself, from when it was seen until it ended.</summary>
public sealed class HealthProblemRow
{
    public long Id { get; set; }
    /// <summary>feed_failing, feed_gone, feed_moved, feed_silent, dead_letter or notifier_failing.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The feed's or notifier's name, or the dead delivery's id.</summary>
    public string Subject { get; set; } = "";
    public string Detail { get; set; } = "";
    public DateTimeOffset Since { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
}
