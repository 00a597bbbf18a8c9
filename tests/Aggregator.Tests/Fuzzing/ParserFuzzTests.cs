using System.Text;
using Aggregator.Parsing;

namespace Aggregator.Tests.Fuzzing;

/// <summary>The parser never throws on what a stranger's server can send: documents of every format, mutated at random
/// (bytes flipped, pieces cut, repeated and spliced, markup, entities, DTDs, encodings and deep nesting thrown in).
/// A hang shows as the test not finishing; a run is repeated with FUZZ_SEED, lengthened with FUZZ_ITERATIONS
/// (scripts/fuzz.sh).</summary>
public sealed class ParserFuzzTests
{
    private static readonly string[] Seeds =
    [
        """<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title><link>https://example.com/</link><ttl>30</ttl><item><title>Iran &amp; Russia</title><link>/a</link><guid isPermaLink="false">1</guid><description>&lt;p&gt;Hezbollah &lt;b&gt;said&lt;/b&gt;&lt;/p&gt;</description><pubDate>Mon, 23 Nov 2026 08:15:00 GMT</pubDate><dc:creator>Jane</dc:creator><content:encoded><![CDATA[<div>Body <a href="x">link</a></div>]]></content:encoded><enclosure url="https://example.com/a.mp3" type="audio/mpeg" length="12"/><media:group><media:content url="https://example.com/v.mp4"/><media:title>m</media:title></media:group><category>World</category></item></channel></rss>""",
        """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/"><title type="html">A &lt;i&gt;feed&lt;/i&gt;</title><entry><id>urn:x:1</id><title type="text">Entry</title><link rel="alternate" href="e/1"/><link rel="enclosure" href="f.pdf" length="9"/><updated>2026-11-23T08:15:00Z</updated><author><name>N</name><email>n@example.org</email></author><summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></summary><content type="html">&lt;p&gt;c&lt;/p&gt;</content></entry></feed>""",
        """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://example.com/"><title>R</title></channel><item rdf:about="https://example.com/1"><title>One</title><link>https://example.com/1</link><dc:date>2026-11-23</dc:date></item></rdf:RDF>""",
        """{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://example.com/","items":[{"id":"1","title":"<b>x</b>","url":"/1","content_html":"<p>y</p>","date_published":"2026-11-23T08:15:00Z","tags":["a"],"authors":[{"name":"A"}]}]}""",
        """<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><item><title>i</title><link>http://e.com/</link><description>d</description></item></channel></rss>""",
        """<CHANNEL HREF="http://example.com/" BASE="http://example.com/"><TITLE>C</TITLE><ITEM HREF="a.htm" LASTMOD="2026-11-23T08:15"><TITLE>I</TITLE><ABSTRACT>A</ABSTRACT></ITEM></CHANNEL>""",
        """<!DOCTYPE html><html><head><title>Site</title><link rel="alternate" type="application/rss+xml" href="/feed"></head><body><p>hi</p></body></html>""",
        """<rss version="2.0"><channel><item><title>Unclosed <b>bold<item><title>&nbsp;&mdash;&bogus;&#xD800;&#0;</title></item>""",
    ];

    private static readonly string[] Tokens =
    [
        "<", ">", "&", "&amp;", "&#x0;", "&#1114112;", "&nbsp;", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version=\"1.0\"?>",
        "<!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>", "&b;", "<!ENTITY x SYSTEM \"file:///etc/passwd\">",
        "<item>", "</item>", "<entry>", "</entry>", "<title>", "</title>", "<link>", "</link>", "<guid>", "xml:base=\"javascript:x\"",
        "href=\"//evil\"", "\uFEFF", "\u0000", "\u00A0", "Ã©", "â€™", "ÐœÐ¾Ñ", "\uD800", "<script>x</script>", "<style>", "</rss>",
        "{", "}", "[", "]", "\"", ",", ":", "\"items\":", "null", "1e999", "encoding=\"koi8-r\"", "encoding=\"utf-16\"",
        "<pubDate>Feb 30 2026 25:61:61 +9999</pubDate>", "<dc:date>99999-99-99T99:99:99Z</dc:date>",
    ];

    [Fact]
    public void NoMutatedDocumentMakesTheParserThrow()
    {
        var seed = Fuzz.Seed();
        var random = new Random(seed);
        var parsers = new[] { new FeedParser(), new FeedParser(syndicationFirst: false) };
        var iterations = Fuzz.Iterations(3000);
        for (var i = 0; i < iterations; i++)
        {
            var input = Mutate(random);
            foreach (var parser in parsers)
            {
                try
                {
                    var result = parser.Parse(input, new Uri("https://example.com/feed.xml"), random.Next(4) == 0 ? "text/xml; charset=windows-1251" : null);
                    Assert.True(result.Feed is not null ^ result.Error is not null, "a result is either a feed or an error");
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    Assert.Fail($"FUZZ_SEED={seed}, iteration {i}: {ex.GetType().Name}: {ex.Message}; input saved to {Fuzz.Save(input, "parser")}");
                }
            }
        }
    }

    [Fact]
    public void DeeplyNestedAndHugeMarkupIsReadWithoutThrowing()
    {
        var nested = string.Concat(Enumerable.Repeat("<div>", 100_000)) + "Tehran" + string.Concat(Enumerable.Repeat("</div>", 100_000));
        var document = $"<rss version=\"2.0\"><channel><item><title>t</title><description><![CDATA[{nested}]]></description></item></channel></rss>";
        var result = new FeedParser().Parse(Encoding.UTF8.GetBytes(document));
        Assert.Contains("Tehran", Assert.Single(result.Feed!.Entries).Summary);

        var elements = "<rss version=\"2.0\"><channel><item><title>" + string.Concat(Enumerable.Repeat("<b>", 50_000)) + "x</title></item></channel></rss>";
        Assert.NotNull(new FeedParser().Parse(Encoding.UTF8.GetBytes(elements)));
    }

    private static byte[] Mutate(Random random)
    {
        var text = Seeds[random.Next(Seeds.Length)];
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(text));
        for (var m = random.Next(1, 5); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)])); break;
                case 2: bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at)); break;
                case 3: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(random.Next(1, 128), bytes.Count - at))); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break; // truncated mid-document
                case 5: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)])); break;
                default: bytes.InsertRange(at, Enumerable.Repeat((byte)random.Next(0x80, 0x100), random.Next(1, 8))); break; // invalid UTF-8
            }
        }
        return [.. bytes];
    }
}
