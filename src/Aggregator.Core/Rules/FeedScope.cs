namespace Aggregator.Rules;

/// <summary>One item of a rule's "feeds" list: a feed by name, or every feed with a tag ("tag:NAME").</summary>
public sealed record FeedScope(string? FeedName, string? Tag)
{
    private const string TagPrefix = "tag:";

    public static FeedScope Parse(string text) =>
        text.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase) ? new FeedScope(null, text[TagPrefix.Length..]) : new FeedScope(text, null);

    public bool Includes(string feedName, IReadOnlyList<string> feedTags) => Tag is null
        ? string.Equals(FeedName, feedName, StringComparison.OrdinalIgnoreCase)
        : feedTags.Any(t => string.Equals(t, Tag, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => Tag is null ? FeedName! : TagPrefix + Tag;
}
