using System.ComponentModel.DataAnnotations;

namespace Aggregator.Fetching;

/// <summary>The keys of "Aggregator:Polling" that say how one feed is fetched.</summary>
public sealed class FetchOptions
{
    public const string Section = "Aggregator:Polling";

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
}
