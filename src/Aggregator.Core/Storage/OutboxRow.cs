namespace Aggregator.Storage;

/// <summary>A row of the outbox: one alert for one notifier, and where its delivery stands.</summary>
public sealed class OutboxRow
{
    public string Id { get; set; } = "";
    /// <summary>Null for an operational alert, which belongs to no match.</summary>
    public long? MatchId { get; set; }
    public string Notifier { get; set; } = "";
    public string Payload { get; set; } = "";
    public string Status { get; set; } = OutboxStatus.Pending;
    public long Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    /// <summary>For a digest rule: the period and rule this row is sent with ("START/END RULE"); null otherwise.</summary>
    public string? DigestKey { get; set; }
    /// <summary>Why an alert is held for a digest it would not otherwise be in: "limit" (the rule's flood guard) or
    /// "quiet" (quiet hours); null otherwise.</summary>
    public string? Held { get; set; }
}
