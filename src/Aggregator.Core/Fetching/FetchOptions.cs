using System.Reflection;

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

    /// <summary>Sent with every request: our version (<see cref="Version"/>) and where to read about us.</summary>
    public string UserAgent { get; set; } = $"Aggregator/{Version} (feed monitor; +https://github.com/aggregator-feed-monitor/aggregator)";

    /// <summary>The version `aggregator --version` prints (Version in Directory.Build.props), without the commit it
    /// appends after a "+": one number in both places, and a User-Agent that changes with releases, not commits.</summary>
    public static string Version { get; } = (typeof(FetchOptions).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];
}
