namespace Aggregator.Refreshing;

/// <summary>A &lt;link rel="alternate"&gt; to a feed in a web page's head.</summary>
public sealed record FeedLink(Uri Url, string Type, string? Title)
{
    /// <summary>"Atom", "RSS" or "JSON Feed".</summary>
    public string Format => Type.Contains("atom", StringComparison.OrdinalIgnoreCase) ? "Atom"
        : Type.Contains("json", StringComparison.OrdinalIgnoreCase) ? "JSON Feed" : "RSS";

    public override string ToString() => Title is null ? $"{Url} ({Format})" : $"{Url} ({Format}, \"{Title}\")";
}
