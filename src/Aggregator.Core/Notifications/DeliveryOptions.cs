namespace Aggregator.Notifications;

/// <summary>The "Aggregator:Delivery" section: how the outbox is drained and retried.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Aggregator:Delivery";

    /// <summary>How often the service looks for deliveries that are due.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After this many failed attempts a delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Delay before the first retry; it doubles each attempt, with jitter, up to MaxRetryDelay.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A match whose entry has the title of a story this rule alerted on within this window is recorded
    /// as a duplicate and not sent (the same link is a duplicate at any distance).</summary>
    public TimeSpan DuplicateTitleWindow { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Deliveries in flight at once. Each one in flight is one that a crash between "sent" and
    /// "recorded" sends again (same delivery id); 1 keeps that to at most one per crash and still delivers
    /// thousands per second to a fast receiver. Raise it for slow receivers.</summary>
    public int MaxConcurrency { get; set; } = 1;
}
