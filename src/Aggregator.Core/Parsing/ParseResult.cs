namespace Aggregator.Parsing;

/// <summary>A broken feed is data, not an exception: either a feed (maybe with problems) or the reason there is none.</summary>
public sealed record ParseResult(ParsedFeed? Feed, string? Error)
{
    public static ParseResult Ok(ParsedFeed feed) => new(feed, null);
    public static ParseResult Fail(string error) => new(null, error);
}
