using System.Text;
using AngleSharp.Html.Parser;
using Aggregator.Fetching;
using Aggregator.Parsing;

namespace Aggregator.Refreshing;

/// <summary>Finds the feed behind a URL for `feeds add`: the URL itself when it serves a feed, else the feed a web page
/// announces with &lt;link rel="alternate"&gt;. Fetched through the service's <see cref="FeedFetcher"/> (the same size
/// cap, deadline and address policy as every poll) and parsed by <see cref="FeedParser"/> before anything is added.</summary>
public sealed class FeedDiscovery(FeedFetcher fetcher, FeedParser parser)
{
    private static readonly string[] FeedTypes =
        ["application/rss+xml", "application/atom+xml", "application/feed+json", "application/json", "application/rdf+xml", "text/xml", "application/xml"];

    /// <returns>The feed, or the reason there is none (one sentence with the fix).</returns>
    public async Task<(DiscoveredFeed? Feed, string? Error)> DiscoverAsync(Uri url, CancellationToken cancellationToken)
    {
        var fetch = await fetcher.FetchAsync(url, null, null, cancellationToken);
        if (fetch.Outcome != FetchOutcome.Fetched) return (null, $"{url}: {fetch.Error ?? $"HTTP {fetch.StatusCode}"}");
        var final = fetch.FinalUrl ?? url;
        string? html;
        using (var body = fetch.Body!)
        {
            var parsed = parser.Parse(body.Memory, final, fetch.ContentType);
            if (parsed.Feed is { } feed) return (new DiscoveredFeed(url, final, feed, []), null);
            html = LooksLikeHtml(fetch.ContentType, body.Memory.Span) ? Encoding.UTF8.GetString(body.Memory.Span) : null;
            if (html is null) return (null, $"{url}: not a feed ({parsed.Error}) and not a web page that links to one; give the feed's own URL");
        }

        var links = Links(html, final);
        if (links.Count == 0)
            return (null, $"{url} is a web page with no <link rel=\"alternate\"> to an RSS, Atom or JSON feed; find the feed's own URL on the site and give that");
        var failures = new List<string>();
        foreach (var link in links)
        {
            var candidate = await fetcher.FetchAsync(link.Url, null, null, cancellationToken);
            if (candidate.Outcome != FetchOutcome.Fetched)
            {
                failures.Add($"{link.Url}: {candidate.Error ?? $"HTTP {candidate.StatusCode}"}");
                continue;
            }
            using var body = candidate.Body!;
            var parsed = parser.Parse(body.Memory, candidate.FinalUrl ?? link.Url, candidate.ContentType);
            if (parsed.Feed is { } feed)
                return (new DiscoveredFeed(link.Url, candidate.FinalUrl ?? link.Url, feed, [.. links.Where(l => l != link)]), null);
            failures.Add($"{link.Url}: {parsed.Error}");
        }
        return (null, $"{url} links to {links.Count} feed(s), but none could be read: {string.Join("; ", failures)}");
    }

    /// <summary>The page's feed links, best first: the site's main feed before comment feeds, and among equals Atom or RSS
    /// before JSON Feed, then in page order (sites list their main feed first).</summary>
    public static IReadOnlyList<FeedLink> Links(string html, Uri page)
    {
        var document = new HtmlParser().ParseDocument(html);
        var baseHref = document.QuerySelector("base[href]")?.GetAttribute("href");
        var baseUrl = baseHref is not null && Uri.TryCreate(page, baseHref, out var b) ? b : page;
        var links = new List<(FeedLink Link, int Order)>();
        foreach (var element in document.QuerySelectorAll("link[href]"))
        {
            var rel = (element.GetAttribute("rel") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var type = (element.GetAttribute("type") ?? "").Trim().ToLowerInvariant();
            if (!rel.Contains("alternate", StringComparer.OrdinalIgnoreCase) || !FeedTypes.Contains(type.Split(';')[0].Trim())) continue;
            if (!Uri.TryCreate(baseUrl, element.GetAttribute("href")!.Trim(), out var url) || url.Scheme is not ("http" or "https")) continue;
            if (links.Any(l => l.Link.Url == url)) continue;
            links.Add((new FeedLink(url, type, element.GetAttribute("title")?.Trim() is { Length: > 0 } title ? title : null), links.Count));
        }
        return [.. links.OrderBy(l => IsComments(l.Link) ? 1 : 0).ThenBy(l => l.Link.Format == "JSON Feed" ? 1 : 0).ThenBy(l => l.Order).Select(l => l.Link)];
    }

    private static bool IsComments(FeedLink link) =>
        (link.Title?.Contains("comment", StringComparison.OrdinalIgnoreCase) ?? false)
        || link.Url.AbsolutePath.Contains("comment", StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikeHtml(string? contentType, ReadOnlySpan<byte> body)
    {
        if (contentType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true) return true;
        var start = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 512)]).TrimStart();
        return start.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }
}
