using Aggregator.Rules;
using Aggregator.Storage;

namespace Aggregator.Configuration;

/// <summary>What config/feeds.json and config/rules.json say, checked.</summary>
public sealed record AggregatorConfig(IReadOnlyList<FeedDefinition> Feeds, IReadOnlyList<Rule> Rules)
{
    /// <summary>rules.json's "terms": what @name means in a query, for rules (already compiled with them),
    /// `search` and `rules test`.</summary>
    public TermLists Terms { get; init; } = TermLists.None;

    /// <summary>The rules filed by the words they need, so an entry evaluates only the rules it can match.</summary>
    public RuleIndex<Rule> RuleIndex { get; } = new(Rules.Select(r => (r, r.Query)));
}
