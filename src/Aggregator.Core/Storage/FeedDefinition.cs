namespace Aggregator.Storage;

/// <summary>One feed as config/feeds.json defines it: what the feeds table is kept in line with.</summary>
public sealed record FeedDefinition(string Name, Uri Url, TimeSpan? Interval, IReadOnlyList<string> Tags);
