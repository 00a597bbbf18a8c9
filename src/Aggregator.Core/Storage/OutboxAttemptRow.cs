namespace Aggregator.Storage;

/// <summary>A row of outbox_attempts: one try at delivering an outbox row, and how it ended.</summary>
public sealed class OutboxAttemptRow
{
    public long Id { get; set; }
    public string OutboxId { get; set; } = "";
    public string Notifier { get; set; } = "";
    public DateTimeOffset AttemptedAt { get; set; }
    /// <summary>delivered, failed (to be retried) or dead.</summary>
    public string Outcome { get; set; } = "";
    public string? Error { get; set; }
    /// <summary>The node that tried (PostgreSQL cluster); null on SQLite.</summary>
    public string? Node { get; set; }
}
