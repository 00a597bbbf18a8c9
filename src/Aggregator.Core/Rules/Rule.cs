namespace Aggregator.Rules;

/// <summary>One rule from config/rules.json, its queries compiled: what it matches, on which feeds, for whom.</summary>
/// <param name="Feeds">Where the rule applies; empty means every feed.</param>
/// <param name="Notify">Notifier names; empty means every configured notifier.</param>
/// <param name="Digest">When set, matches are gathered per period of this schedule and sent as one message at its end.</param>
public sealed record Rule(string Name, Query Query, Query? Exclude, IReadOnlyList<FeedScope> Feeds, IReadOnlyList<string> Notify,
    DigestSchedule? Digest = null)
{
    /// <summary>The flood guard for alerts sent one by one; null: none ("limit": "none").</summary>
    public AlertLimit? Limit { get; init; } = AlertLimit.Default;

    /// <summary>The rule's own quiet hours, which win over its notifiers'; null: the notifier's, if any.</summary>
    public QuietHours? QuietHours { get; init; }

    /// <summary>The zone of quiet hours and local digest schedules; null: the notifier's, else the machine's.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>Goes out during quiet hours too (the limit still applies).</summary>
    public bool Urgent { get; init; }

    /// <summary>The terms that hit when the query matches and the exclude query does not; null otherwise.</summary>
    public QueryMatch? Match(MatchDocument document) =>
        Query.Match(document) is { } hit && Exclude?.Match(document) is null ? hit : null;

    public bool AppliesTo(string feedName, IReadOnlyList<string> feedTags) =>
        Feeds.Count == 0 || Feeds.Any(scope => scope.Includes(feedName, feedTags));
}
