namespace Aggregator.Rules;

/// <summary>One rule from config/rules.json, its queries compiled: what it matches, on which feeds, for whom.</summary>
/// <param name="Feeds">Where the rule applies; empty means every feed.</param>
/// <param name="Notify">Notifier names; empty means every configured notifier.</param>
/// <param name="Digest">When set, matches are gathered per period of this length and sent as one message at its end.</param>
public sealed record Rule(string Name, Query Query, Query? Exclude, IReadOnlyList<FeedScope> Feeds, IReadOnlyList<string> Notify,
    TimeSpan? Digest = null)
{
    /// <summary>The terms that hit when the query matches and the exclude query does not; null otherwise.</summary>
    public QueryMatch? Match(MatchDocument document) =>
        Query.Match(document) is { } hit && Exclude?.Match(document) is null ? hit : null;

    public bool AppliesTo(string feedName, IReadOnlyList<string> feedTags) =>
        Feeds.Count == 0 || Feeds.Any(scope => scope.Includes(feedName, feedTags));
}
