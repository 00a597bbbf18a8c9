namespace Aggregator.Storage;

/// <summary>A notifier none of whose attempts since its last delivery succeeded (from outbox_attempts).</summary>
public sealed class FailingNotifier
{
    public string Notifier { get; set; } = "";
    public DateTimeOffset FirstFailure { get; set; }
    public long Failures { get; set; }
    public string? LastError { get; set; }
}
