namespace Aggregator.Parsing;

/// <summary>Reads any feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into a <see cref="ParsedFeed"/>.</summary>
public sealed class FeedParser
{
    /// <param name="body">The raw bytes as fetched (encoding is detected here).</param>
    /// <param name="source">Where the document came from, to resolve relative links; null for a local file without a base.</param>
    /// <param name="contentType">The HTTP Content-Type header, for its charset; null when unknown.</param>
    public ParseResult Parse(ReadOnlyMemory<byte> body, Uri? source = null, string? contentType = null)
        => throw new NotImplementedException("placeholder until the parser lands");
}
