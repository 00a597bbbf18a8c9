namespace Aggregator.Notifications;

/// <summary>How a new alert is stored in the outbox: when it is due, the digest it goes out with (null: alone), and
/// why it is held for a digest (<see cref="DeliveryTiming.HeldByLimit"/>, <see cref="DeliveryTiming.HeldByQuietHours"/>;
/// null for a digest rule's own period or an alert sent as it comes).</summary>
public sealed record QueuedAs(DateTimeOffset Due, string? DigestKey, string? Held);
