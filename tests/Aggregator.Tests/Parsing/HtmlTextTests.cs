using System.Net;
using System.Text;
using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

/// <summary>HTML to the plain text rules match against: the fast scanner against a plain reference.</summary>
public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("<p>Hezbollah &amp; Russia</p>", "Hezbollah & Russia")]
    [InlineData("<p>one</p><p>two</p>", "one two")]
    [InlineData("  a\u00A0\u00A0b \t\n c  ", "a b c")]
    [InlineData("x<script>var a = '<p>no</p>';</script>y<style>p{}</style>z", "x y z")]
    [InlineData("AT&T &unknown; &#8212; &#x1F600; & so", "AT&T &unknown; — 😀 & so")]
    [InlineData("&lt;b&gt;literal&lt;/b&gt;", "<b>literal</b>")]
    [InlineData("a <!-- <p>comment</p> --> b", "a b")]
    [InlineData("price < 5 and x<y", "price < 5 and x")] // "<y" opens a tag that never closes, as a browser reads it
    [InlineData("<br/>", null)]
    public void MarkupEntitiesAndWhitespaceBecomePlainText(string html, string? expected) =>
        Assert.Equal(expected, HtmlText.ToPlainText(html));

    /// <summary>The algorithm as first written, three passes and no shortcuts: tags out, entities decoded, whitespace collapsed.</summary>
    private static string? Reference(string html)
    {
        var text = new StringBuilder();
        for (var i = 0; i < html.Length;)
        {
            if (html[i] == '<' && i + 1 < html.Length && (char.IsAsciiLetter(html[i + 1]) || html[i + 1] is '/' or '!' or '?'))
            {
                var end = html.IndexOf('>', i);
                end = end < 0 ? html.Length : end + 1;
                text.Append(' ');
                i = end;
                continue;
            }
            text.Append(html[i++]);
        }
        var decoded = WebUtility.HtmlDecode(text.ToString());
        var collapsed = new StringBuilder();
        var space = false;
        foreach (var c in decoded)
        {
            if (char.IsWhiteSpace(c) || c == '\u00A0' || char.IsControl(c))
            {
                space = collapsed.Length > 0;
                continue;
            }
            if (space) collapsed.Append(' ');
            space = false;
            collapsed.Append(c);
        }
        return collapsed.Length == 0 ? null : collapsed.ToString();
    }

    [Fact]
    public void RandomMarkupGivesWhatTheReferenceGives()
    {
        // Pieces that stress the run copying: single and double spaces at run ends, other whitespace,
        // entities, tags; no quotes in tags and no script/style, which the reference does not model.
        string[] pieces = ["word", "Zürich", " ", "  ", "\t", "\n", "\u00A0", "\u2003", "<b>", "</p>", "<br/>", "&amp;", "&nbsp;",
            "&#233;", "&bogus;", "&", "<", " <", "x", ".", "\u0001"];
        var random = new Random(20261124);
        for (var n = 0; n < 5000; n++)
        {
            var html = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => pieces[random.Next(pieces.Length)]));
            Assert.True(Reference(html) == HtmlText.ToPlainText(html), $"input: \"{html}\"\nexpected: \"{Reference(html)}\"\nactual:   \"{HtmlText.ToPlainText(html)}\"");
        }
    }

    [Fact]
    public void CleanTextComesBackAsTheSameString()
    {
        const string title = "Russia and Hezbollah: an update";
        Assert.Same(title, HtmlText.Collapse(title));
        Assert.Equal("a b", HtmlText.Collapse(" a  b "));
    }
}
