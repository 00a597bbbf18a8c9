namespace Aggregator.Configuration;

/// <summary>A subscription in an OPML file: its title, feed URL, site URL and the folders it sits in (our tags).</summary>
public sealed record OpmlFeed(string? Title, string XmlUrl, string? HtmlUrl, IReadOnlyList<string> Folders);
