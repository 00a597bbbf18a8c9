namespace Aggregator.Storage;

/// <summary>A story a rule alerted on: the alerted entry's title, and every feed it was seen in, the alerting one first.</summary>
public sealed record StorySources(string? Title, IReadOnlyList<string> Feeds);
