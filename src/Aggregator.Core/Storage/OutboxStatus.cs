namespace Aggregator.Storage;

/// <summary>The values of outbox.status.</summary>
public static class OutboxStatus
{
    /// <summary>Waiting for its first or next attempt.</summary>
    public const string Pending = "pending";
    /// <summary>Sent; never sent again.</summary>
    public const string Delivered = "delivered";
    /// <summary>Given up on: a permanent failure or too many attempts; last_error says why.</summary>
    public const string Dead = "dead";
}
