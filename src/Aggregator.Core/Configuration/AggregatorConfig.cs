namespace Aggregator.Configuration;

/// <summary>What config/feeds.json and config/rules.json say, checked.</summary>
public sealed record AggregatorConfig(IReadOnlyList<FeedDefinition> Feeds, IReadOnlyList<RuleDefinition> Rules);
