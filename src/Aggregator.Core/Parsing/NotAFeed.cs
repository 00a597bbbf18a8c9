using System.Net;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing;

/// <summary>Says what a document that is not a feed is, and which feed an HTML page advertises.</summary>
internal static partial class NotAFeed
{
    public static bool LooksLikeHtml(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 1024)).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            || (head.StartsWith("<!--", StringComparison.Ordinal) && text.Contains("<html", StringComparison.OrdinalIgnoreCase) && !text.Contains("<rss", StringComparison.Ordinal) && !text.Contains("<feed", StringComparison.Ordinal));
    }

    public static string DescribeHtml(string html, Uri? source)
    {
        var title = TitlePattern().Match(html) is { Success: true } t ? HtmlText.ToPlainText(t.Groups[1].Value) : null;
        var what = title is null ? "an HTML page" : $"an HTML page (\"{Shorten(title)}\")";
        foreach (Match link in LinkPattern().Matches(html))
        {
            var tag = link.Value;
            if (!Attribute(tag, "rel").Contains("alternate", StringComparison.OrdinalIgnoreCase)) continue;
            var type = Attribute(tag, "type").ToLowerInvariant();
            if (type is not ("application/rss+xml" or "application/atom+xml" or "application/feed+json" or "application/json")) continue;
            var href = WebUtility.HtmlDecode(Attribute(tag, "href"));
            if (href.Length == 0) continue;
            if (source is not null && Uri.TryCreate(source, href, out var absolute)) href = absolute.ToString();
            return $"not a feed: {what}; it advertises a feed at {href}, use that URL";
        }
        return $"not a feed: {what} that advertises no feed; find the site's RSS or Atom URL";
    }

    public static string DescribeXmlRoot(string root) => root.ToLowerInvariant() switch
    {
        "opml" => "not a feed: an OPML subscription list; add its feeds to config/feeds.json one by one",
        "urlset" or "sitemapindex" => "not a feed: a sitemap",
        "html" => "not a feed: an HTML page",
        "error" => "not a feed: an XML error document (<Error>), as storage services send for a missing object",
        _ => $"not a feed: an XML document whose root is <{root}>, not <rss>, <rdf:RDF> or <feed>",
    };

    private static string Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"""\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", RegexOptions.IgnoreCase);
        return match.Success ? (match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Success ? match.Groups[2].Value : match.Groups[3].Value).Trim() : "";
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..79] + "…" : text;

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"<link\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex LinkPattern();
}
