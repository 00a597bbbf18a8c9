using System.ComponentModel.DataAnnotations;

namespace Aggregator.Configuration;

/// <summary>The "Aggregator:Polling" section: how feeds are fetched.</summary>
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
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>Requests at once to one host, so a site with many feeds is not hammered.</summary>
    [Range(1, 64)]
    public int MaxConcurrencyPerHost { get; set; } = 2;

    /// <summary>Deadline for one whole request: connect, headers and body.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A body larger than this is abandoned while reading (after decompression).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFeedBytes { get; set; } = 10 * 1024 * 1024;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    [Required(AllowEmptyStrings = false)]
    public string UserAgent { get; set; } = "Aggregator/0.1 (feed monitor; +https://github.com/aggregator-feed-monitor/aggregator)";

    /// <summary>False: the first poll of a newly added feed stores its backlog silently, so adding a feed floods no one.</summary>
    public bool AlertOnFirstPoll { get; set; }
}
