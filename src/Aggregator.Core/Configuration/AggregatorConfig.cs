using Aggregator.Rules;
using Aggregator.Storage;

namespace Aggregator.Configuration;

/// <summary>What config/feeds.json and config/rules.json say, checked.</summary>
public sealed record AggregatorConfig(IReadOnlyList<FeedDefinition> Feeds, IReadOnlyList<Rule> Rules)
{
    /// <summary>The rules filed by the words they need, so an entry evaluates only the rules it can match.</summary>
    public RuleIndex<Rule> RuleIndex { get; } = new(Rules.Select(r => (r, r.Query)));
}
