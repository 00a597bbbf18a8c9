namespace Aggregator.Configuration;

/// <summary>One feed from config/feeds.json.</summary>
public sealed record FeedDefinition(string Name, Uri Url, TimeSpan? Interval, IReadOnlyList<string> Tags);
