namespace Aggregator.Refreshing;

/// <summary>The keys of "Aggregator:Polling" that say when feeds are polled and how many at once.</summary>
public sealed class PollingOptions
{
    public const string Section = "Aggregator:Polling";

    /// <summary>How often a feed is polled unless its entry in feeds.json says otherwise.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>No feed is polled more often than this, whatever feeds.json or the feed says.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>No feed waits longer than this, even after many errors.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the service looks for due feeds.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Feeds fetched at once.</summary>
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>False: the first poll of a newly added feed stores its backlog silently, so adding a feed floods no one.</summary>
    public bool AlertOnFirstPoll { get; set; }
}
