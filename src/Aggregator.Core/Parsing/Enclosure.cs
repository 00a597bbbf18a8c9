namespace Aggregator.Parsing;

/// <summary>A file attached to an entry: RSS &lt;enclosure&gt;, Atom &lt;link rel="enclosure"&gt; or Media RSS
/// &lt;media:content&gt; (a podcast episode, a report's PDF, a video).</summary>
/// <param name="Length">In bytes, when the feed says.</param>
public sealed record Enclosure(string Url, string? Type, long? Length)
{
    /// <summary>Null without a URL; a length that is no number is dropped, not fatal.</summary>
    public static Enclosure? Create(string? url, string? type, string? length) =>
        string.IsNullOrWhiteSpace(url) ? null
            : new Enclosure(url.Trim(), string.IsNullOrWhiteSpace(type) ? null : type.Trim(),
                long.TryParse(length?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) ? bytes : null);
}
