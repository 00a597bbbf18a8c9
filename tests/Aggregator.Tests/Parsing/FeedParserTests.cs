using System.Text;
using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

/// <summary>One case per quirk real feeds have, written inline: what the document shows and what we expect.
/// Every case runs twice: through the default parser (Syndication first for RSS 2.0 and Atom 1.0) and
/// through our own reader alone, so the two paths cannot drift apart.</summary>
public abstract class FeedParserTests
{
    protected abstract FeedParser Parser { get; }

    private ParsedFeed Parse(string xml, string? source = null, string? contentType = null) =>
        Parse(Encoding.UTF8.GetBytes(xml), source, contentType);

    private ParsedFeed Parse(byte[] bytes, string? source = null, string? contentType = null)
    {
        var result = Parser.Parse(bytes, source is null ? null : new Uri(source), contentType);
        Assert.True(result.Feed is not null, result.Error);
        return result.Feed;
    }

    private string Fails(string text) => Parser.Parse(Encoding.UTF8.GetBytes(text)).Error ?? throw new Xunit.Sdk.XunitException("parsed as a feed");

    [Fact]
    public void Rss20ItemsAreReadWithGuidLinkDateAuthorAndPlainText()
    {
        var feed = Parse("""
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
              <title>ISW</title><link>https://example.org/</link><ttl>30</ttl>
              <item>
                <title>Russia &amp; Hezbollah</title><link>https://example.org/a</link>
                <guid isPermaLink="false">id-1</guid><pubDate>Sun, 23 Nov 2026 08:15:00 +0200</pubDate>
                <description>&lt;p&gt;Report &lt;b&gt;from&lt;/b&gt; Beirut&lt;/p&gt;</description>
                <content:encoded><![CDATA[<p>Full <i>text</i></p>]]></content:encoded>
                <dc:creator>Jane Doe</dc:creator><category>Middle East</category>
              </item>
            </channel></rss>
            """);
        Assert.Equal(("rss20", "ISW", "https://example.org/"), (feed.Version, feed.Title, feed.Link));
        Assert.Equal(TimeSpan.FromMinutes(30), feed.Ttl);
        var entry = Assert.Single(feed.Entries);
        Assert.Equal("id-1", entry.Id);
        Assert.Equal("Russia & Hezbollah", entry.Title);
        Assert.Equal("https://example.org/a", entry.Link);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 6, 15, 0, TimeSpan.Zero), entry.Published);
        Assert.Equal("Report from Beirut", entry.Summary);
        Assert.Equal("<p>Report <b>from</b> Beirut</p>", entry.SummaryHtml);
        Assert.Equal("Full text", entry.Content);
        Assert.Equal("Jane Doe", entry.Author);
        Assert.Equal(["Middle East"], entry.Categories);
    }

    [Fact]
    public void APermalinkGuidIsTheLinkWhenThereIsNone()
    {
        var entry = Parse("""<rss version="2.0"><channel><item><guid>https://example.org/p/1</guid><title>x</title></item></channel></rss>""").Entries[0];
        Assert.Equal("https://example.org/p/1", entry.Link);
    }

    [Fact]
    public void AGuidThatIsNoUrlIsNoLink()
    {
        var entry = Parse("""<rss version="2.0"><channel><item><guid>2</guid><title>x</title></item></channel></rss>""", source: "https://example.org/feed.xml").Entries[0];
        Assert.Equal("2", entry.Id);
        Assert.Null(entry.Link);
    }

    [Fact]
    public void Atom10EntriesReadLinksByRelAndAuthorsAsNameAndEmail()
    {
        var feed = Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/blog/">
              <title type="html">A &lt;b&gt;blog&lt;/b&gt;</title><link rel="alternate" href="https://example.org/"/>
              <entry>
                <id>tag:example.org,2026:1</id><title type="text">One &lt; two</title>
                <link rel="enclosure" href="a.mp3"/><link rel="alternate" type="text/html" href="posts/1"/>
                <published>2026-11-23T08:15:00+01:00</published><updated>2026-11-23T09:00:00Z</updated>
                <author><name>Jane</name><email>jane@example.org</email></author>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b></p></div></content>
              </entry>
            </feed>
            """);
        Assert.Equal(("atom10", "A blog"), (feed.Version, feed.Title));
        var entry = Assert.Single(feed.Entries);
        Assert.Equal("One < two", entry.Title);
        Assert.Equal("https://example.org/blog/posts/1", entry.Link);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 7, 15, 0, TimeSpan.Zero), entry.Published);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), entry.Updated);
        Assert.Equal("Jane (jane@example.org)", entry.Author);
        Assert.Equal("Hello world", entry.Content);
    }

    [Fact]
    public void Rss10AndRss09xAreReadByOurOwnReader()
    {
        var rdf = Parse("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="https://example.org/"><title>RDF</title><link>https://example.org/</link></channel>
              <item rdf:about="https://example.org/1"><title>One</title><link>https://example.org/1</link><dc:date>2026-11-23T08:00:00Z</dc:date></item>
            </rdf:RDF>
            """);
        Assert.Equal("rss10", rdf.Version);
        var entry = Assert.Single(rdf.Entries);
        Assert.Equal("https://example.org/1", entry.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), entry.Updated);

        var old = Parse("""<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>Old</title><item><title>Hi</title><link>https://example.org/x</link></item></channel></rss>""");
        Assert.Equal("rss09x", old.Version);
        Assert.Equal("Hi", old.Entries[0].Title);
    }

    [Fact]
    public void Atom03IsRecognisedByItsNamespace()
    {
        var feed = Parse("""<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><id>urn:1</id><title mode="escaped">A &lt;b&gt;bold&lt;/b&gt; move</title><issued>2026-11-23T08:00:00Z</issued><link rel="alternate" type="text/html" href="https://example.org/1"/></entry></feed>""");
        Assert.Equal("atom03", feed.Version);
        Assert.Equal("A bold move", feed.Entries[0].Title);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), feed.Entries[0].Published);
    }

    [Fact]
    public void UndeclaredHtmlEntitiesAreDecodedNotFatal()
    {
        var feed = Parse("""<rss version="2.0"><channel><title>A&nbsp;B</title><item><title>War &mdash; and peace&hellip;</title><description>caf&eacute;</description></item></channel></rss>""");
        Assert.Equal("War — and peace…", feed.Entries[0].Title);
        Assert.Equal("café", feed.Entries[0].Summary);
        Assert.NotEmpty(feed.Problems);
    }

    [Fact]
    public void ATruncatedDocumentStillYieldsTheEntriesBeforeTheBreak()
    {
        var feed = Parse("""<rss version="2.0"><channel><title>T</title><item><title>One</title><guid>1</guid></item><item><title>Two</title><guid>2</guid></item><item><title>Thr""");
        Assert.Equal(["One", "Two"], feed.Entries.Take(2).Select(e => e.Title));
    }

    [Fact]
    public void AnEndTagThatClosesTheWrongElementIsReadAsClosingTheOpenOne()
    {
        var feed = Parse("""
            <rss version="2.0"><channel><title>T</title>
            <item><title>One</titel><guid>1</guid><description>a <b>bold</i> claim</description></item>
            <item><title>Two</title><guid>2</guid></item>
            </channel></rss>
            """);
        Assert.Equal(["One", "Two"], feed.Entries.Select(e => e.Title));
        Assert.Equal("a bold claim", feed.Entries[0].Summary);
        Assert.NotEmpty(feed.Problems);
    }

    [Fact]
    public void ChannelDefinitionFormatIsReadWithItsBaseAndDates()
    {
        var feed = Parse("""
            <CHANNEL BASE="http://base.example.org/" HREF="http://www.example.org/" LASTMOD="2004-04-06T23:05:43-05:00">
              <TITLE>Channel title</TITLE>
              <ABSTRACT>channel abstract</ABSTRACT>
              <ITEM HREF="/item/1" LASTMOD="2004-04-06T23:05:43-05:00"><TITLE>Item title</TITLE><ABSTRACT>Item &lt;b&gt;abstract&lt;/b&gt;</ABSTRACT></ITEM>
              <CHANNEL BASE="http://sub.example.org/"><ITEM href="two"/></CHANNEL>
            </CHANNEL>
            """);
        Assert.Equal(("cdf", "Channel title", "http://www.example.org/"), (feed.Version, feed.Title, feed.Link));
        Assert.Equal(2, feed.Entries.Count);
        Assert.Equal(("Item title", "http://base.example.org/item/1", "Item abstract"), (feed.Entries[0].Title, feed.Entries[0].Link, feed.Entries[0].Summary));
        Assert.Equal(new DateTimeOffset(2004, 4, 7, 4, 5, 43, TimeSpan.Zero), feed.Entries[0].Updated);
        Assert.Equal("http://sub.example.org/two", feed.Entries[1].Link);
    }

    [Fact]
    public void Utf8TextSavedAgainAsIfWindows1252IsRepaired()
    {
        // "£" and "à" (whose second byte is a no-break space) encoded twice; "›" twice through windows-1252,
        // whose "€" is no Latin-1 character (feedparser leaves that one; we repair it too).
        var doubled = Encoding.UTF8.GetBytes("""
            <rss version="2.0"><channel><title>T</title>
            <item><title>Spending Â£30 million</title><guid>1</guid></item>
            <item><title>Mort Ã 53 ans</title><guid>2</guid></item>
            <item><title>World â€º Japan</title><guid>3</guid></item>
            <item><title>Café crème</title><guid>4</guid></item>
            </channel></rss>
            """);
        Assert.Equal(["Spending £30 million", "Mort à53 ans", "World › Japan", "Café crème"], Parse(doubled).Entries.Select(e => e.Title));

        // Declared Latin-1 and not valid UTF-8: these are the characters the publisher meant.
        var latin1 = Encoding.Latin1.GetBytes("""<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><item><title>Ã© Ã¨ café</title><guid>1</guid></item></channel></rss>""");
        Assert.Equal("Ã© Ã¨ café", Parse(latin1).Entries[0].Title);
    }

    [Fact]
    public void EnclosuresFromRssAtomAndMediaRssAreKeptOncePerUrl()
    {
        var rss = Parse("""
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>
              <title>Episode</title><guid>e1</guid>
              <enclosure url="/audio/e1.mp3" type="audio/mpeg" length="12345"/>
              <media:content url="https://example.org/audio/e1.mp3" type="audio/mpeg" fileSize="12345"/>
              <media:group><media:content url="https://example.org/video/e1.mp4" type="video/mp4"/></media:group>
              <enclosure url="https://example.org/report.pdf" type="application/pdf" length="not a number"/>
            </item></channel></rss>
            """, source: "https://example.org/feed.xml").Entries[0];
        Assert.Equal(
            [new Enclosure("https://example.org/audio/e1.mp3", "audio/mpeg", 12345), new Enclosure("https://example.org/report.pdf", "application/pdf", null),
             new Enclosure("https://example.org/video/e1.mp4", "video/mp4", null)],
            rss.Enclosures.OrderBy(e => e.Url, StringComparer.Ordinal));

        var atom = Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:x</id><title>A</title>
              <link rel="alternate" href="https://example.org/a"/>
              <link rel="enclosure" href="https://example.org/a.pdf" type="application/pdf" length="99"/>
            </entry></feed>
            """).Entries[0];
        Assert.Equal("https://example.org/a", atom.Link);
        Assert.Equal([new Enclosure("https://example.org/a.pdf", "application/pdf", 99)], atom.Enclosures);
    }

    [Fact]
    public void TextBeforeTheXmlDeclarationIsSkipped()
    {
        var feed = Parse("<br />\n<b>Warning</b>: headers already sent<br />\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>Ok</title></item></channel></rss>");
        Assert.Equal("Ok", feed.Entries[0].Title);
    }

    [Fact]
    public void Windows1252DeclaredAsLatin1AndStrayBytesInUtf8AreReadRight()
    {
        var latin = Encoding.Latin1.GetBytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><item><title>X</title></item></channel></rss>").ToList();
        var title = latin.IndexOf((byte)'X');
        latin.RemoveAt(title);
        latin.InsertRange(title, [0x93, (byte)'q', 0x94, (byte)' ', 0xE9]); // curly quotes are 0x93/0x94 only in windows-1252
        Assert.Equal("\u201Cq\u201D é", Parse(latin.ToArray()).Entries[0].Title);

        var utf8 = Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><item><title>Zürich X</title></item></channel></rss>").ToList();
        utf8[utf8.IndexOf((byte)'X')] = 0xE9; // one Latin-1 byte in an otherwise UTF-8 feed
        Assert.Equal("Zürich é", Parse(utf8.ToArray()).Entries[0].Title);
    }

    [Fact]
    public void TheHttpCharsetWinsOverTheXmlDeclaration()
    {
        var bytes = Encoding.GetEncoding("ISO-8859-1").GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><item><title>caf\u00e9</title></item></channel></rss>");
        Assert.Equal("café", Parse(bytes, contentType: "application/rss+xml; charset=iso-8859-1").Entries[0].Title);
    }

    [Fact]
    public void RelativeLinksResolveAgainstXmlBaseThenTheFeedUrl()
    {
        var feed = Parse("""<rss version="2.0"><channel><item><title>a</title><link>/a</link></item><item xml:base="https://other.example/x/"><title>b</title><link>b</link></item></channel></rss>""",
            source: "https://example.org/feeds/rss.xml");
        Assert.Equal("https://example.org/a", feed.Entries[0].Link);
        Assert.Equal("https://other.example/x/b", feed.Entries[1].Link);
    }

    [Fact]
    public void AnItemWithBothDescriptionAndSummaryIsReadAndDoesNotHang()
    {
        // Found by the conformance corpus: a claimed-but-unread element once looped forever.
        var feed = Parse("""<rss version="2.0"><channel><item><description>Example description</description><summary>Example summary</summary></item></channel></rss>""");
        Assert.Equal("Example description", feed.Entries[0].Summary);
    }

    [Fact]
    public void JsonFeedIsRead()
    {
        var feed = Parse("""
            { "version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://example.org/",
              "authors": [{ "name": "Feed Author" }],
              "items": [
                { "id": "1", "url": "/posts/1", "title": "One", "content_html": "<p>Hi <b>there</b></p>", "date_published": "2026-11-23T08:00:00Z", "tags": ["a"] },
                { "id": 2, "content_text": "Plain", "summary": "S", "authors": [{ "name": "Item Author" }] }
              ] }
            """, source: "https://example.org/feed.json");
        Assert.Equal(("json1x", "J"), (feed.Version, feed.Title));
        Assert.Equal("https://example.org/posts/1", feed.Entries[0].Link);
        Assert.Equal("Hi there", feed.Entries[0].Content);
        Assert.Equal("Feed Author", feed.Entries[0].Author);
        Assert.Equal("2", feed.Entries[1].Id);
        Assert.Equal(("Plain", "S", "Item Author"), (feed.Entries[1].Content, feed.Entries[1].Summary, feed.Entries[1].Author));
    }

    [Fact]
    public void AnHtmlPageIsNotAFeedAndTheAdvertisedFeedIsNamed()
    {
        var result = Parser.Parse(Encoding.UTF8.GetBytes("""
            <!DOCTYPE html><html><head><title>Example News</title>
            <link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>hi</body></html>
            """), new Uri("https://example.org/news/"));
        Assert.Null(result.Feed);
        Assert.Equal("not a feed: an HTML page (\"Example News\"); it advertises a feed at https://example.org/feed.xml, use that URL", result.Error);
    }

    [Theory]
    [InlineData("", "empty body")]
    [InlineData("   \n ", "empty body")]
    [InlineData("<opml version=\"2.0\"><body/></opml>", "OPML")]
    [InlineData("{\"error\": \"not found\"}", "JSON without a JSON Feed")]
    [InlineData("404 page not found", "plain text")]
    [InlineData("<Error><Code>AccessDenied</Code></Error>", "XML error document")]
    public void WhatIsNotAFeedIsSaid(string body, string said) => Assert.Contains(said, Fails(body));

    [Fact]
    public void ADtdEntityBombFailsFastWithAClearProblem()
    {
        var bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
            <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
            <rss version="2.0"><channel><item><title>&f;&f;&f;&f;&f;&f;&f;&f;</title></item></channel></rss>
            """;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = Parser.Parse(Encoding.UTF8.GetBytes(bomb));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the bomb was expanded");
        var title = result.Feed?.Entries.FirstOrDefault()?.Title ?? "";
        Assert.True(title.Length < 1000, "the entity was expanded");
        Assert.Null(result.Feed);
        Assert.Matches(@"^refused: the document's own entities expand past 64 K characters \(an entity-expansion bomb\) at line \d+, column \d+$", result.Error);
    }

    [Fact]
    public void EntitiesTheDocumentDeclaresAreExpanded()
    {
        var feed = Parse("""
            <?xml version="1.0"?>
            <!DOCTYPE rss [ <!ENTITY agency "Mehr News Agency"> <!ENTITY sign "&agency; (Tehran)"> ]>
            <rss version="2.0"><channel><title>&agency;</title><item><title>Report from &sign;</title><guid>1</guid></item></channel></rss>
            """);
        Assert.Equal("Mehr News Agency", feed.Title);
        Assert.Equal("Report from Mehr News Agency (Tehran)", feed.Entries[0].Title);
    }

    [Fact]
    public void AnExternalEntityIsNeverFetched()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "SECRET");
        var xml = $"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]><rss version="2.0"><channel><item><title>a&x;b</title></item></channel></rss>""";
        var result = Parser.Parse(Encoding.UTF8.GetBytes(xml));
        Assert.DoesNotContain("SECRET", result.Feed?.Entries.FirstOrDefault()?.Title ?? "");
        File.Delete(secret);
    }

    [Fact]
    public void DeeplyNestedMarkupDoesNotCrash()
    {
        var deep = string.Concat(Enumerable.Repeat("<div>", 5000)) + "x" + string.Concat(Enumerable.Repeat("</div>", 5000));
        var result = Parser.Parse(Encoding.UTF8.GetBytes($"<rss version=\"2.0\"><channel><item><title>t</title><description><![CDATA[{deep}]]></description></item></channel></rss>"));
        Assert.Equal("x", result.Feed!.Entries[0].Summary);
    }

    [Fact]
    public void AnUnreadableDateIsNullNeverNowAndIsReportedWithItsEntry()
    {
        var feed = Parse("""<rss version="2.0"><channel><item><title>a</title></item><item><title>t</title><pubDate>sometime last week</pubDate></item></channel></rss>""");
        Assert.Null(feed.Entries[1].Published);
        Assert.Contains("unreadable date \"sometime last week\" in entry 2", feed.Problems);

        var atom = Parse("""<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:1</id><title>a</title><updated>yesterday-ish</updated></entry></feed>""");
        Assert.Null(atom.Entries[0].Updated);
        Assert.Contains("unreadable date \"yesterday-ish\" in entry 1", atom.Problems);
    }

    [Fact]
    public void AHostileDocumentCannotMakeTheProblemListHuge()
    {
        var items = string.Concat(Enumerable.Range(1, 1000).Select(i => $"<item><title>t{i}</title><pubDate>{new string('x', 500)}</pubDate></item>"));
        var feed = Parse($"""<rss version="2.0"><channel><title>T</title>{items}</channel></rss>""");
        Assert.Equal(1000, feed.Entries.Count);
        Assert.Equal(11, feed.Problems.Count);
        Assert.All(feed.Problems, p => Assert.True(p.Length <= 200, p));
        Assert.Equal("and 990 more problems", feed.Problems[^1]);
    }

    [Fact]
    public void TheProblemOfBrokenXmlCarriesTheReadersMessageLineAndColumn()
    {
        const string document = "<rss version=\"2.0\"><channel><title>T</title>\n<item><title>One</title><guid>1</guid></item>\n<item><title>Two &amp Three</title><guid>2</guid></item></channel></rss>";
        var feed = Parse(document);
        Assert.Equal(2, feed.Entries.Count);
        var problem = Assert.Single(feed.Problems, p => p.StartsWith("not well-formed XML", StringComparison.Ordinal));
        Assert.DoesNotContain("unreadable XML", problem);
        Assert.Contains("line 3, column", problem);
        var reader = System.Xml.XmlReader.Create(new StringReader(document));
        var message = Assert.Throws<System.Xml.XmlException>(() => { while (reader.Read()) { } }).Message.Split(" Line ")[0];
        Assert.Contains(message, problem);
    }

    [Theory]
    [InlineData("rss", """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>One</title><guid>1</guid><description><![CDATA[<p>First <b>one</b></p>]]></description></item><item><title>Two</title><guid>2</guid></item><item><title>Three</title><guid>3</guid><description><![CDATA[<p>Third</p>]]></description></item><lastBuildDate>Sun, 23 Nov 2026 08:15:00 GMT</lastBuildDate><ttl>30</ttl></channel></rss>""")]
    [InlineData("atom", """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:1</id><title>One</title></entry><entry><id>urn:2</id><title>Two</title><content type="html"><![CDATA[<p>x</p>]]></content></entry><entry><id>urn:3</id><title>Three</title></entry><updated>2026-11-23T08:15:00Z</updated></feed>""")]
    [InlineData("rdf", """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://example.org/"><title>T</title><link>https://example.org/</link></channel><item rdf:about="https://example.org/1"><title>One</title><link>https://example.org/1</link></item><item rdf:about="https://example.org/2"><title>Two</title><link>https://example.org/2</link></item><item rdf:about="https://example.org/3"><title>Three</title><link>https://example.org/3</link></item><textinput rdf:about="https://example.org/s"><title>Search</title><link>https://example.org/s</link></textinput></rdf:RDF>""")]
    public void EveryCompleteEntryOfADocumentCutOffAnywhereIsKept(string format, string document)
    {
        string[] titles = ["One", "Two", "Three"];
        var end = format == "atom" ? "</entry>" : "</item>";
        for (var cut = document.IndexOf(end, StringComparison.Ordinal); cut < document.Length; cut++)
        {
            var text = document[..cut];
            var complete = 0;
            for (var at = text.IndexOf(end, StringComparison.Ordinal); at >= 0; at = text.IndexOf(end, at + 1, StringComparison.Ordinal)) complete++;
            var result = Parser.Parse(Encoding.UTF8.GetBytes(text));
            var read = result.Feed?.Entries.Select(e => e.Title).ToArray() ?? [];
            Assert.True(read.SequenceEqual(titles.Take(complete)),
                $"cut after \"…{text[^Math.Min(30, text.Length)..]}\": read [{string.Join(", ", read)}], {complete} complete");
        }
    }

    [Fact]
    public void NestedElementsWithTheirOwnTitleOrLinkLeaveTheItemsAlone()
    {
        var feed = Parse("""
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>
              <item><category>News<image><title>Logo</title><link>https://example.org/logo</link></image></category>
                <title>Real one</title><link>https://example.org/1</link></item>
              <item><title>Real two</title><link>https://example.org/2</link>
                <enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="1"><title>Audio</title><link>https://example.org/audio</link></enclosure></item>
              <item><media:group><media:title>Group title</media:title><media:content url="https://example.org/v.mp4"><media:title>Inner</media:title></media:content></media:group>
                <title>Real three</title><link>https://example.org/3</link><source url="https://other.example/rss">Other feed</source></item>
            </channel></rss>
            """);
        Assert.Equal(["Real one", "Real two", "Real three"], feed.Entries.Select(e => e.Title));
        Assert.Equal(["https://example.org/1", "https://example.org/2", "https://example.org/3"], feed.Entries.Select(e => e.Link));

        var atom = Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
              <entry><source><title>Source feed</title><link href="https://source.example/"/><id>urn:source</id></source>
                <id>urn:1</id><title>Real</title><link href="https://example.org/1"/></entry>
            </feed>
            """);
        Assert.Equal(("Real", "https://example.org/1", "urn:1"), (atom.Entries[0].Title, atom.Entries[0].Link, atom.Entries[0].Id));
    }

    [Fact]
    public void AMediaTitleStandsInForAMissingTitleEvenInsideMediaContent()
    {
        var feed = Parse("""
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>
              <item><guid>1</guid><media:group><media:content url="https://example.org/v.mp4"><media:title>Nested in group and content</media:title></media:content></media:group></item>
            </channel></rss>
            """);
        Assert.Equal("Nested in group and content", feed.Entries[0].Title);
    }

    [Fact]
    public void ItunesAuthorIsOnlyTheFallbackAuthor()
    {
        var feed = Parse("""
            <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
              <item><title>a</title><itunes:author>Podcast Network</itunes:author><author>jane@example.org (Jane Doe)</author></item>
              <item><title>b</title><dc:creator>Joe Bloggs</dc:creator><itunes:author>Podcast Network</itunes:author></item>
              <item><title>c</title><itunes:author>Podcast Network</itunes:author></item>
            </channel></rss>
            """);
        Assert.Equal(["jane@example.org (Jane Doe)", "Joe Bloggs", "Podcast Network"], feed.Entries.Select(e => e.Author));

        var old = Parse("""<rss version="2.0" xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"><channel><title>T</title><item><title>a</title><itunes:author>Edward Goldman</itunes:author></item></channel></rss>""");
        Assert.Equal("Edward Goldman", old.Entries[0].Author);
    }

    [Fact]
    public void ARelativeLinkWithNoKnownBaseIsKeptAsItIs()
    {
        var rss = Parse("""<rss version="2.0"><channel><title>T</title><item><title>a</title><link>/news/2026/1</link></item></channel></rss>""");
        Assert.Equal("/news/2026/1", rss.Entries[0].Link);
        var atom = Parse("""<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:1</id><title>a</title><link href="news/1"/></entry></feed>""");
        Assert.Equal("news/1", atom.Entries[0].Link);
        var json = Parse("""{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "url": "/posts/1"}]}""");
        Assert.Equal("/posts/1", json.Entries[0].Link);
        // A relative xml:base is no base either (Syndication threw on it, and "/blog/" read as a file: URI).
        var relativeBase = Parse("""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/"><title>T</title><entry><id>urn:1</id><title>a</title><link href="post/1"/></entry></feed>""");
        Assert.Equal("post/1", relativeBase.Entries[0].Link);
        var rssBase = Parse("""<rss version="2.0" xml:base="/news/"><channel><title>T</title><item><title>a</title><link>x/1</link></item></channel></rss>""");
        Assert.Equal("x/1", rssBase.Entries[0].Link);
    }

    [Fact]
    public void JsonFeedAttachmentsAreEnclosures()
    {
        var feed = Parse("""
            { "version": "https://jsonfeed.org/version/1.1", "title": "J",
              "items": [ { "id": "1", "title": "Episode", "attachments": [
                { "url": "https://example.org/e1.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 12345 },
                { "url": "/e1.pdf", "mime_type": "application/pdf" }, { "mime_type": "no/url" } ] } ] }
            """, source: "https://example.org/feed.json");
        Assert.Equal([new Enclosure("https://example.org/e1.mp3", "audio/mpeg", 12345), new Enclosure("https://example.org/e1.pdf", "application/pdf", null)],
            feed.Entries[0].Enclosures);
    }

    [Fact]
    public void AnEntrysLanguageIsItsOwnThenItsFeedsDeclaration()
    {
        var atom = Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB"><title>T</title>
              <entry xml:lang="ru-RU"><id>urn:1</id><title>Moscow</title></entry>
              <entry><id>urn:2</id><title>London</title></entry>
            </feed>
            """);
        Assert.Equal(["ru", "en"], atom.Entries.Select(e => e.Language));
        Assert.Equal("en", atom.Language);

        var rss = Parse("""
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><language>FA-ir</language>
              <item><title>a</title><dc:language>ar</dc:language></item>
              <item><title>b</title></item>
            </channel></rss>
            """);
        Assert.Equal(["ar", "fa"], rss.Entries.Select(e => e.Language));
        Assert.Equal("fa", rss.Language);

        var json = Parse("""{"version": "https://jsonfeed.org/version/1.1", "title": "J", "language": "he-IL", "items": [{"id": "1", "title": "x"}]}""");
        Assert.Equal("he", json.Entries[0].Language);
    }

    [Fact]
    public void AnEntryThatDeclaresNoLanguageHasItDetectedFromItsText()
    {
        var feed = Parse("""
            <rss version="2.0"><channel><title>T</title>
              <item><title>Лавров провёл переговоры в Тегеране</title></item>
              <item><title>عراقچی: گفتگوهای تهران و مسکو ادامه دارد</title></item>
              <item><title>The minister said that talks would go on</title></item>
              <item><title>12:00</title></item>
            </channel></rss>
            """);
        Assert.Equal(["ru", "fa", "en", null], feed.Entries.Select(e => e.Language));
    }

    [Fact]
    public void AnHtmlMetaCharsetIsAsGoodAsAnXmlDeclaration()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("windows-1251").GetBytes("""<rss version="2.0"><channel><meta charset="windows-1251"/><title>T</title><item><title>Новости</title></item></channel></rss>""");
        var feed = Parse(bytes);
        Assert.Equal("Новости", feed.Entries[0].Title);
        Assert.DoesNotContain(feed.Problems, p => p.Contains("detected", StringComparison.Ordinal));
    }
}

public sealed class DefaultFeedParserTests : FeedParserTests
{
    protected override FeedParser Parser { get; } = new();
}

public sealed class OwnReaderFeedParserTests : FeedParserTests
{
    protected override FeedParser Parser { get; } = new(syndicationFirst: false);
}
