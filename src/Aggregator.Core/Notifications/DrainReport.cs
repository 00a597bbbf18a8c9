namespace Aggregator.Notifications;

/// <summary>What one pass over the outbox did.</summary>
public sealed record DrainReport(int Delivered, int Retrying, int Dead);
