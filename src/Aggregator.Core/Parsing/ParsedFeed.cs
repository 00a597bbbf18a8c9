namespace Aggregator.Parsing;

/// <summary>A feed document read into our one normalised model, whatever its format.</summary>
/// <param name="Version">rss20, rss10, rss09x, atom10, atom03 or json1x.</param>
public sealed record ParsedFeed(string Version, string? Title, string? Link, IReadOnlyList<ParsedEntry> Entries)
{
    /// <summary>What was wrong but survivable (feedparser's "bozo"): bad dates, undeclared entities, wrong charset.
    /// At most ten, each one short sentence, then how many more there were.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>RSS &lt;ttl&gt; or sy:updatePeriod/sy:updateFrequency, when the feed says how often to poll.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>The feed's declared language (RSS &lt;language&gt;, dc:language, the root's xml:lang, JSON Feed
    /// "language") as a lowercase primary subtag; null when it declares none.</summary>
    public string? Language { get; init; }
}
