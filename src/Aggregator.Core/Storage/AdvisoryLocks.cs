namespace Aggregator.Storage;

/// <summary>The keys of the PostgreSQL advisory locks we take, in one list so that no two uses share a key by mistake
/// (retention's first key was the feed sync's, and each waited for the other). "aggr" in the high half.</summary>
internal static class AdvisoryLocks
{
    /// <summary>Session lock: nodes starting together migrate one after the other.</summary>
    public const long Migration = 0x61676772_00000001;

    /// <summary>Transaction lock: one poll at a time looks for and records a rule's same story.</summary>
    public const long Stories = 0x61676772_00000002;

    /// <summary>Transaction lock: outbox claims are made one node at a time (a digest is claimed whole).</summary>
    public const long OutboxClaims = 0x61676772_00000003;

    /// <summary>Transaction lock: one node at a time brings the feeds table in line with feeds.json.</summary>
    public const long FeedSync = 0x61676772_00000004;

    /// <summary>Session lock: one node at a time applies Aggregator:Retention.</summary>
    public const long Retention = 0x61676772_00000005;
}
