using System.Security;

namespace Aggregator.Tests.Support;

/// <summary>Writes small RSS 2.0 documents for tests.</summary>
public static class Rss
{
    public sealed record Item(string Guid, string Title, string Description = "", DateTimeOffset? Published = null, string? Link = null);

    public static string Feed(string title, params Item[] items)
    {
        var body = string.Concat(items.Select(i =>
            $"""
                <item>
                  <guid isPermaLink="false">{SecurityElement.Escape(i.Guid)}</guid>
                  <title>{SecurityElement.Escape(i.Title)}</title>
                  <link>{SecurityElement.Escape(i.Link ?? "https://example.com/" + i.Guid)}</link>
                  <description>{SecurityElement.Escape(i.Description)}</description>
                  <pubDate>{(i.Published ?? new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero)).ToString("r")}</pubDate>
                </item>
            """));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel>
              <title>{SecurityElement.Escape(title)}</title>
              <link>https://example.com/</link>
              <description>test feed</description>
            {body}
            </channel></rss>
            """;
    }
}
