namespace Aggregator.Parsing;

/// <summary>A broken feed is data, not an exception: either a feed (maybe with problems) or the reason there is none.</summary>
public sealed record ParseResult(ParsedFeed? Feed, string? Error)
{
    /// <summary>An error names the document's fault in one sentence; longer is cut, since what a hostile document puts
    /// in it (the XML reader lists every element left open: 50,000 for 50,000 unclosed tags) reaches the status
    /// line, the database and the log. Room for a long advertised feed URL.</summary>
    public const int MaxErrorLength = 500;

    public static ParseResult Ok(ParsedFeed feed) => new(feed, null);

    public static ParseResult Fail(string error) => new(null, FeedProblems.Shorten(error, MaxErrorLength));
}
