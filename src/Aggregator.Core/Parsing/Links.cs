namespace Aggregator.Parsing;

/// <summary>Makes a feed's link absolute against the base in force (xml:base, else the feed's own URL).</summary>
internal static class Links
{
    public static string? Resolve(string? link, Uri? baseUri)
    {
        if (string.IsNullOrWhiteSpace(link)) return null;
        link = link.Trim();
        // On Unix "/a" parses as an absolute file URI; a feed means a path on its own site.
        if (baseUri is null || Uri.TryCreate(link, UriKind.Absolute, out _) && !link.StartsWith('/')) return link;
        return Uri.TryCreate(baseUri, link, out var resolved) ? resolved.ToString() : link;
    }
}
