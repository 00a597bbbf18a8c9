using Aggregator.Parsing;

namespace Aggregator.Refreshing;

/// <summary>What `feeds add` found at a URL: the feed itself, read and parsed, and the other feeds the page offered.</summary>
/// <param name="Url">The feed's URL as the page (or the user) gave it.</param>
/// <param name="FinalUrl">Where the feed answered, after redirects.</param>
/// <param name="Others">The other feeds a web page linked to, best first.</param>
public sealed record DiscoveredFeed(Uri Url, Uri FinalUrl, ParsedFeed Feed, IReadOnlyList<FeedLink> Others);
