namespace Aggregator.Fetching;

/// <summary>The keys of "Aggregator:Polling" that say how one feed is fetched.</summary>
public sealed class FetchOptions
{
    public const string Section = "Aggregator:Polling";

    /// <summary>Requests at once to one host, so a site with many feeds is not hammered.</summary>
    public int MaxConcurrencyPerHost { get; set; } = 2;

    /// <summary>Deadline for one whole request: connect, headers and body.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A body larger than this is abandoned while reading (after decompression).</summary>
    public long MaxFeedBytes { get; set; } = 10 * 1024 * 1024;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Link-local addresses (169.254/16, fe80::/10) are where cloud metadata services answer; a feed or webhook
    /// there is refused unless this is true.</summary>
    public bool AllowLinkLocal { get; set; }

    public string UserAgent { get; set; } = "Aggregator/0.1 (feed monitor; +https://github.com/aggregator-feed-monitor/aggregator)";
}
