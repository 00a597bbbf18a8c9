using Aggregator.Parsing;
using Aggregator.Rules;

namespace Aggregator.Refreshing;

/// <summary>What makes two entries the same story for alerting, across feeds: the same link once tracking
/// parameters are gone, or the same title (as words, ignoring case and accents).</summary>
public sealed record StoryKey(string? Link, string? Title)
{
    private static readonly string[] TrackingParameters = ["fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src", "cmpid"];

    public static StoryKey For(ParsedEntry entry)
    {
        var words = TextTokens.Split(entry.Title);
        // Very short titles ("Update", "Live") are not a story's identity.
        var title = words.Count >= 3 ? string.Join(' ', words) : null;
        return new StoryKey(CanonicalLink(entry.Link), title);
    }

    public static string? CanonicalLink(string? link)
    {
        if (link is null || !Uri.TryCreate(link.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return null;
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !IsTracking(p.Split('=')[0]));
        var kept = string.Join('&', query);
        var host = uri.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? uri.Host[4..] : uri.Host;
        var path = uri.AbsolutePath.Length > 1 ? uri.AbsolutePath.TrimEnd('/') : uri.AbsolutePath;
        // http and https, www and not, a trailing slash: the same article.
        return $"{host.ToLowerInvariant()}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}{path}{(kept.Length > 0 ? "?" + kept : "")}";
    }

    private static bool IsTracking(string name) =>
        name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) || TrackingParameters.Contains(name, StringComparer.OrdinalIgnoreCase);
}
