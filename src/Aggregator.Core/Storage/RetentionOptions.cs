namespace Aggregator.Storage;

/// <summary>"Aggregator:Retention": how long entries are kept. Unset, nothing is ever deleted.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Aggregator:Retention";

    /// <summary>Entries no rule matched are deleted this long after they were stored; null keeps them.</summary>
    public TimeSpan? KeepEntries { get; set; }

    /// <summary>Matched entries, with their matches and deliveries, are deleted this long after they were stored; null
    /// keeps them. An entry with a delivery still pending is never deleted.</summary>
    public TimeSpan? KeepMatched { get; set; }
}
