namespace Aggregator.Notifications;

/// <summary>Which of the monitor's own problems a <see cref="HealthAlerts.CheckAsync"/> looks at: the poll cycle checks
/// the feeds, delivery checks dead letters and notifiers.</summary>
[Flags]
public enum HealthChecks
{
    /// <summary>Feeds failing, gone or moved (their rows), and silent (their entries' rhythm, at most every few minutes).</summary>
    Feeds = 1,
    /// <summary>Deliveries dead-lettered and notifiers failing (outbox and outbox_attempts).</summary>
    Deliveries = 2,
    All = Feeds | Deliveries,
}
