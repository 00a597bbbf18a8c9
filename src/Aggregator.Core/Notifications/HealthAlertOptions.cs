namespace Aggregator.Notifications;

/// <summary>"Aggregator:Health", the operational alerts' part: who is told when the monitor is blind (a feed failing,
/// gone, moved or silent; a delivery dead-lettered; a notifier down). The section's listener settings are the host's
/// (Health/HealthOptions.cs); both classes bind the same section.</summary>
public sealed class HealthAlertOptions
{
    public const string Section = "Aggregator:Health";

    /// <summary>The notifiers (names under "Notifiers") that receive operational alerts; none: no operational alerts.</summary>
    public IReadOnlyList<string> Notify { get; set; } = [];

    /// <summary>A feed is failing after this many failed polls in a row...</summary>
    public int FailingPolls { get; set; } = 5;

    /// <summary>...or when it has failed every poll for this long (since its last success).</summary>
    public TimeSpan FailingFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A feed is silent when no new entry has come for this many times its usual gap between new entries...</summary>
    public double SilentFactor { get; set; } = 5;

    /// <summary>...and for at least this long.</summary>
    public TimeSpan SilentAtLeast { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A notifier is failing when every attempt it made over this span failed.</summary>
    public TimeSpan NotifierFailingFor { get; set; } = TimeSpan.FromHours(1);
}
