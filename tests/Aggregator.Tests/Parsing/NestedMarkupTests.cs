using System.Text;
using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

/// <summary>Markup nested a hundred thousand levels deep in an entry's text, closed or never closed, costs work in
/// proportion to its length, not its depth squared (50,000 levels in a title once took 11 s), and ends in a result
/// of bounded size: the text kept without the markup beyond the limit, one short problem, or one short error.
/// Bounded by what parsing allocates, never by elapsed time. Every case runs through both parse paths.</summary>
public abstract class NestedMarkupTests
{
    private const int Levels = 100_000;

    protected abstract FeedParser Parser { get; }

    public static TheoryData<string> Elements => ["title", "description", "content:encoded"];

    private static string Document(string element, bool closed)
    {
        var markup = string.Concat(Enumerable.Repeat("<b>", Levels)) + "Tehran" + (closed ? string.Concat(Enumerable.Repeat("</b>", Levels)) : "");
        var title = element == "title" ? "" : "<title>Deep</title>";
        return $"""
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>
            <item><title>Before</title><guid>1</guid></item>
            <item>{title}<guid>2</guid><{element}>{markup}</{element}></item>
            <item><title>After</title><guid>3</guid></item>
            </channel></rss>
            """;
    }

    // What parsing may allocate per byte of input. The XML reader keeps a node (about 120 bytes) for each element
    // open, and the loose pass reads a broken document again after each end tag it renames (up to 20 times): linear
    // in the input all the same. Before the bound, 10,000 closed levels in a title allocated 283 MB (940 bytes per
    // byte of input) and 25,000 unclosed ones 10.5 GB (140,000 per byte).
    private const int ClosedBytesPerByte = 64;
    private const int UnclosedBytesPerByte = 512;

    /// <summary>Parses, failing the test if parsing allocated more than <paramref name="perInputByte"/> bytes per byte of input.</summary>
    private ParseResult ParseWithin(string document, int perInputByte)
    {
        var bytes = Encoding.UTF8.GetBytes(document);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = Parser.Parse(bytes);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < (long)perInputByte * bytes.Length, $"parsing {bytes.Length:N0} bytes allocated {allocated:N0}");
        return result;
    }

    [Theory]
    [MemberData(nameof(Elements))]
    public void ClosedMarkupNestedDeeperThanTheLimitKeepsItsTextAndTheEntriesAroundIt(string element)
    {
        var feed = ParseWithin(Document(element, closed: true), ClosedBytesPerByte).Feed;
        Assert.NotNull(feed);
        Assert.Equal(["Before", element == "title" ? "Tehran" : "Deep", "After"], feed.Entries.Select(e => e.Title));
        var deep = feed.Entries[1];
        Assert.Equal("Tehran", element switch { "title" => deep.Title, "description" => deep.Summary, _ => deep.Content });
        // The markup is kept down to the limit only: at most 256 "<b>"s and as many "</b>"s.
        var html = element == "description" ? deep.SummaryHtml : element == "content:encoded" ? deep.ContentHtml : null;
        Assert.True((html?.Length ?? 0) <= 7 * 256 + 16, $"{html?.Length} characters of markup kept");
        var problem = Assert.Single(feed.Problems);
        Assert.Equal($"markup nested deeper than 256 levels in <{element}>; its text is kept without the markup below that", problem);
    }

    public static TheoryData<string> AtomElements => ["title", "summary", "content"];

    [Theory]
    [MemberData(nameof(AtomElements))]
    public void AtomXhtmlNestedDeeperThanTheLimitKeepsItsTextAndTheEntriesAroundIt(string element)
    {
        // Syndication reads an xhtml text construct with ReadInnerXml: 100,000 levels took 31 s and 28 GB there.
        var markup = string.Concat(Enumerable.Repeat("<b>", Levels)) + "Tehran" + string.Concat(Enumerable.Repeat("</b>", Levels));
        var title = element == "title" ? "" : "<title>Deep</title>";
        var document = $"""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
            <entry><id>1</id><title>Before</title></entry>
            <entry><id>2</id>{title}<{element} type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{markup}</div></{element}></entry>
            <entry><id>3</id><title>After</title></entry>
            </feed>
            """;
        var feed = ParseWithin(document, ClosedBytesPerByte).Feed;
        Assert.NotNull(feed);
        Assert.Equal(["Before", element == "title" ? "Tehran" : "Deep", "After"], feed.Entries.Select(e => e.Title));
        var deep = feed.Entries[1];
        Assert.Equal("Tehran", element switch { "title" => deep.Title, "summary" => deep.Summary, _ => deep.Content });
        var problem = Assert.Single(feed.Problems);
        Assert.Equal($"markup nested deeper than 256 levels in <{element}>; its text is kept without the markup below that", problem);
    }

    [Theory]
    [MemberData(nameof(Elements))]
    public void UnclosedMarkupNestedDeeperThanTheLimitEndsInOneShortProblem(string element)
    {
        var feed = ParseWithin(Document(element, closed: false), UnclosedBytesPerByte).Feed;
        Assert.NotNull(feed);
        Assert.Equal("Before", feed.Entries[0].Title);
        Assert.NotEmpty(feed.Problems);
        Assert.All(feed.Problems, p => Assert.True(p.Length <= FeedProblems.MaxLength, p));
        Assert.Contains(feed.Problems, p => p.StartsWith("XML error at line ", StringComparison.Ordinal) || p.StartsWith("not well-formed XML", StringComparison.Ordinal));
    }

    [Fact]
    public void TheErrorOfADocumentThatBreaksInsideUnclosedMarkupIsOneShortSentence()
    {
        var document = "<rss version=\"2.0\"><channel><item><title>" + string.Concat(Enumerable.Repeat("<b>", Levels)) + "x";
        var result = ParseWithin(document, UnclosedBytesPerByte);
        Assert.Null(result.Feed);
        Assert.StartsWith("broken XML: XML error at line 1, column ", result.Error);
        Assert.True(result.Error!.Length <= ParseResult.MaxErrorLength, $"{result.Error.Length} characters");
    }

    [Fact]
    public void TheErrorThatNamesARootElementAHundredThousandLettersLongIsOneShortSentence()
    {
        var result = Parser.Parse(Encoding.UTF8.GetBytes("<" + new string('x', Levels) + "/>"));
        Assert.Null(result.Feed);
        Assert.StartsWith("not a feed: an XML document whose root is <xxx", result.Error);
        Assert.True(result.Error!.Length <= ParseResult.MaxErrorLength, $"{result.Error.Length} characters");
    }
}

public sealed class DefaultNestedMarkupTests : NestedMarkupTests
{
    protected override FeedParser Parser { get; } = new();
}

public sealed class OwnReaderNestedMarkupTests : NestedMarkupTests
{
    protected override FeedParser Parser { get; } = new(syndicationFirst: false);
}
