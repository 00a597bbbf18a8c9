using Aggregator.Rules;

namespace Aggregator.Configuration;

/// <summary>One rule from config/rules.json, its query already compiled.</summary>
/// <param name="Feeds">Feed names and "tag:x" scopes; empty means every feed.</param>
/// <param name="Notify">Notifier names; empty means every configured notifier.</param>
/// <param name="Digest">When set, matches are gathered per period of this length and sent as one message at its end.</param>
public sealed record RuleDefinition(string Name, Query Query, Query? Exclude, IReadOnlyList<string> Feeds, IReadOnlyList<string> Notify,
    TimeSpan? Digest = null)
{
    /// <summary>The terms that hit when the query matches and the exclude query does not; null otherwise.</summary>
    public QueryMatch? Match(MatchDocument document) =>
        Query.Match(document) is { } hit && Exclude?.Match(document) is null ? hit : null;

    public bool AppliesTo(string feedName, IReadOnlyList<string> feedTags)
    {
        if (Feeds.Count == 0) return true;
        foreach (var scope in Feeds)
        {
            if (scope.StartsWith("tag:", StringComparison.OrdinalIgnoreCase))
            {
                var tag = scope[4..];
                if (feedTags.Any(t => string.Equals(t, tag, StringComparison.OrdinalIgnoreCase))) return true;
            }
            else if (string.Equals(scope, feedName, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
