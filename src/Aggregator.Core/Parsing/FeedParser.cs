using System.Xml;
using static Aggregator.Parsing.FeedNamespaces;

namespace Aggregator.Parsing;

/// <summary>Reads any feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed) into a <see cref="ParsedFeed"/>.
/// Format is detected from the content. Well-formed RSS 2.0 and Atom 1.0 go through System.ServiceModel.Syndication;
/// everything else, and whatever Syndication rejects, through our own lenient reader. Thread-safe; never throws.</summary>
public sealed class FeedParser
{
    private readonly bool _syndicationFirst;

    public FeedParser() : this(syndicationFirst: true)
    {
    }

    /// <param name="syndicationFirst">False reads every format with our own reader (used to compare the two).</param>
    public FeedParser(bool syndicationFirst) => _syndicationFirst = syndicationFirst;

    /// <param name="body">The raw bytes as fetched (encoding is detected here).</param>
    /// <param name="source">Where the document came from, to resolve relative links; null for a local file without a base.</param>
    /// <param name="contentType">The HTTP Content-Type header, for its charset; null when unknown.</param>
    public ParseResult Parse(ReadOnlyMemory<byte> body, Uri? source = null, string? contentType = null)
    {
        var problems = new FeedProblems();
        var text = FeedDecoder.Decode(body.Span, contentType, problems, out var utf8);
        if (utf8) text = MojibakeRepair.RepairDocument(text, problems);
        var start = 0;
        while (start < text.Length && (char.IsWhiteSpace(text[start]) || text[start] == '\uFEFF')) start++;
        if (start == text.Length) return ParseResult.Fail(body.Length == 0 ? "empty body: the server sent nothing" : "empty body: only whitespace");
        if (text[start] is '{' or '[')
        {
            var jsonProblems = new FeedProblems();
            var json = JsonFeedReader.Read(text, source, jsonProblems);
            return json.Feed is { } jsonFeed ? Ok(jsonFeed, problems, jsonProblems) : json;
        }
        if (NotAFeed.LooksLikeHtml(text)) return ParseResult.Fail(NotAFeed.DescribeHtml(text, source));
        if (text.IndexOf('<') < 0) return ParseResult.Fail($"not a feed: plain text starting \"{Excerpt(text[start..])}\"");

        var (version, root, error) = Sniff(text);
        if (version is null)
        {
            // A root that is no feed may be debris (a PHP warning) before the real document.
            if (root is not null && !ContainsFeedRoot(text)) return ParseResult.Fail(NotAFeed.DescribeXmlRoot(root));
            var repaired = XmlRepair.Repair(text);
            (version, root, error) = Sniff(repaired);
            if (version is null) return ParseResult.Fail(root is not null ? NotAFeed.DescribeXmlRoot(root) : $"not a feed: {Describe(error)}");
            text = repaired;
            problems.Add("not well-formed XML; read leniently");
        }

        var readProblems = new FeedProblems();
        if (_syndicationFirst && version is "rss20" or "atom10" && SyndicationReader.TryRead(text, version, source, readProblems) is { } syndicated)
            return Ok(syndicated, problems, readProblems);

        readProblems = new FeedProblems();
        var feed = ReadXml(text, version, source, readProblems, out var xmlError);
        // An entity bomb is refused outright: a repaired read would only expand it differently.
        if (IsEntityBomb(xmlError)) return ParseResult.Fail(Describe(xmlError));
        if (xmlError is not null)
        {
            // feedparser's loose pass: repair what strict XML rejects and read again; keep the better read.
            var strictError = xmlError;
            var repairedText = XmlRepair.Repair(text);
            var repairedProblems = new FeedProblems();
            var repaired = ReadXml(repairedText, version, source, repairedProblems, out var repairedError);
            for (var fixes = 0; repairedError is not null && fixes < XmlRepair.MaxEndTagFixes
                 && XmlRepair.FixEndTag(repairedText, repairedError) is { } closed; fixes++)
            {
                repairedText = closed;
                repairedProblems = new FeedProblems();
                repaired = ReadXml(repairedText, version, source, repairedProblems, out repairedError);
            }
            if (repaired.Entries.Count >= feed.Entries.Count) (feed, xmlError, readProblems) = (repaired, repairedError, repairedProblems);
            problems.Add(xmlError is null ? $"not well-formed XML ({Describe(strictError)}); read leniently" : Describe(xmlError));
        }
        if (feed.Entries.Count == 0 && xmlError is not null && feed.Title is null)
            return ParseResult.Fail($"broken XML: {Describe(xmlError)}");
        return Ok(feed, problems, readProblems);
    }

    /// <summary>The document's problems (decoding, repairs) first, then the reader's (dates...), within the bound.</summary>
    private static ParseResult Ok(ParsedFeed feed, FeedProblems problems, FeedProblems readProblems)
    {
        problems.Merge(readProblems);
        return ParseResult.Ok(feed with { Problems = problems.ToList() });
    }

    private static bool ContainsFeedRoot(string text) =>
        text.Contains("<rss", StringComparison.Ordinal) || text.Contains("<feed", StringComparison.Ordinal)
        || text.Contains("RDF", StringComparison.Ordinal) || text.Contains("<?xml", StringComparison.Ordinal);

    private static ParsedFeed ReadXml(string text, string version, Uri? source, FeedProblems problems, out XmlException? error)
    {
        using var reader = XmlReader.Create(new StringReader(text), XmlFeedReader.Settings);
        return version == "cdf" ? CdfReader.Read(reader, source, problems, out error) : XmlFeedReader.Read(reader, version, source, problems, out error);
    }

    /// <summary>The format, from the root element (and its version attribute or namespace).</summary>
    private static (string? Version, string? Root, XmlException? Error) Sniff(string text)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), XmlFeedReader.Settings);
            reader.MoveToContent();
            var name = reader.LocalName;
            var ns = reader.NamespaceURI;
            switch (name)
            {
                case "rss":
                    var declared = reader.GetAttribute("version")?.Trim();
                    return (declared switch
                    {
                        "2.0" or "2.00" or "2" or "2.0.1" => "rss20",
                        "0.90" or "0.91" or "0.92" or "0.93" or "0.94" => "rss09x",
                        _ => "unknown",
                    }, name, null);
                case "RDF" when ns == Rdf:
                    return (RdfVersion(reader), name, null);
                case "feed" when ns == Atom10:
                    return ("atom10", name, null);
                case "feed" when ns == Atom03 || reader.GetAttribute("version") is "0.3" or "0.2" or "0.1":
                    return ("atom03", name, null);
                case "feed":
                    return ("atom10", name, null);
                case "channel":
                    return ("rss09x", name, null);
                case var cdf when CdfReader.IsCdf(cdf):
                    return ("cdf", name, null);
                default:
                    return (null, name, null);
            }
        }
        catch (XmlException ex)
        {
            return (null, null, ex);
        }
    }

    private static string RdfVersion(XmlReader reader)
    {
        // RSS 1.0 and 0.90 share the rdf:RDF root; the channel's namespace tells them apart.
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "channel" or "item")
                return reader.NamespaceURI == Rss090 ? "rss09x" : "rss10";
        }
        return "rss10";
    }

    private static bool IsEntityBomb(XmlException? error) =>
        error is not null && error.Message.Contains(nameof(XmlReaderSettings.MaxCharactersFromEntities), StringComparison.Ordinal);

    /// <summary>The XML error as the reader said it, with its line and column.</summary>
    private static string Describe(XmlException? error) =>
        error is null ? "unreadable XML"
            : IsEntityBomb(error)
                ? $"refused: the document's own entities expand past {XmlFeedReader.MaxEntityCharacters / 1024} K characters (an entity-expansion bomb) at line {error.LineNumber}, column {error.LinePosition}"
                : $"XML error at line {error.LineNumber}, column {error.LinePosition}: {error.Message.Split(" Line ")[0]}";

    private static string Excerpt(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length > 60 ? line[..60] + "…" : line;
    }
}
