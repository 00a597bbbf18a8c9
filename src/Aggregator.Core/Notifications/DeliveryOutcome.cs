namespace Aggregator.Notifications;

public enum DeliveryStatus { Delivered, Retry, Permanent }

/// <summary>What a notifier reports back; the dispatcher turns it into outbox state.</summary>
public sealed record DeliveryOutcome(DeliveryStatus Status, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static readonly DeliveryOutcome Delivered = new(DeliveryStatus.Delivered);
    /// <summary>Worth trying again later: connection refused, timeout, 5xx, 408/429, SMTP 4xx.</summary>
    public static DeliveryOutcome Retry(string error, TimeSpan? retryAfter = null) => new(DeliveryStatus.Retry, error, retryAfter);
    /// <summary>Will fail the same way every time: webhook 4xx, SMTP 5xx for the recipients.</summary>
    public static DeliveryOutcome Permanent(string error) => new(DeliveryStatus.Permanent, error);
}
