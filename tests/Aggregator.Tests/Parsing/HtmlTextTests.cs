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

    [Theory]
    [InlineData("<b>Tehr</b>an", "Tehran")]
    [InlineData("Teh<span class=\"hl\">r</span>an talks", "Tehran talks")]
    [InlineData("<FONT color=red>M</FONT>oscow", "Moscow")]
    [InlineData("<a href=\"/x\">Hez</a><i>bollah</i>", "Hezbollah")]
    [InlineData("Sanc<wbr>tions", "Sanctions")]
    [InlineData("Mo<!-- split -->scow", "Moscow")]
    [InlineData("<x-mark>Dam</x-mark>ascus", "Damascus")] // an unknown tag is inline, as browsers take it
    [InlineData("Тег<b>еран</b>", "Тегеран")]
    public void InlineMarkupInsideAWordLeavesTheWordWhole(string html, string expected) =>
        Assert.Equal(expected, HtmlText.ToPlainText(html));

    [Theory]
    [InlineData("one<br>two", "one two")]
    [InlineData("one<BR/>two", "one two")]
    [InlineData("<li>Iran</li><li>Iraq</li>", "Iran Iraq")]
    [InlineData("<td>Iran</td><td>Iraq</td>", "Iran Iraq")]
    [InlineData("<h1>Title</h1><p>Body</p>", "Title Body")]
    [InlineData("Iran<img src=\"x.png\">Iraq", "Iran Iraq")]
    [InlineData("Iran<div>Iraq</div>", "Iran Iraq")]
    [InlineData("Iran<blockquote>Iraq</blockquote>", "Iran Iraq")]
    public void BlockMarkupAndLineBreaksSeparateWords(string html, string expected) =>
        Assert.Equal(expected, HtmlText.ToPlainText(html));

    [Theory]
    [InlineData("<span>", "</span>")]
    [InlineData("<div>", "</div>")]
    [InlineData("<b class=\"", "")] // a tag whose quote never closes
    [InlineData("<", "")]
    [InlineData("<a <b <c ", "")]
    public void AMegabyteOfHostileMarkupIsReadWithoutBuildingATree(string open, string close)
    {
        // No timer: the bound is the input (1 MB) and what reading it may allocate. A tree of 100,000
        // nested elements would allocate many times the input; one pass over a pooled buffer allocates
        // at most that buffer (when the pool does not keep one so large) and the result.
        var count = (1 << 20) / (open.Length + close.Length);
        var html = string.Concat(Enumerable.Repeat(open, count)) + "x" + string.Concat(Enumerable.Repeat(close, count));
        HtmlText.ToPlainText(html);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var text = HtmlText.ToPlainText(html);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= (html.Length + (text?.Length ?? 0)) * sizeof(char) + 64 * 1024, $"allocated {allocated:N0} bytes for {html.Length:N0} characters");
        if (open is "<span>" or "<div>") Assert.Equal("x", text);
    }

    /// <summary>The algorithm as first written, three passes and no shortcuts: tags out (a space for the block
    /// ones), entities decoded, whitespace collapsed.</summary>
    private static string? Reference(string html)
    {
        var text = new StringBuilder();
        for (var i = 0; i < html.Length;)
        {
            if (html[i] == '<' && i + 1 < html.Length && (char.IsAsciiLetter(html[i + 1]) || html[i + 1] is '/' or '!' or '?'))
            {
                var end = html.IndexOf('>', i);
                end = end < 0 ? html.Length : end + 1;
                var name = new string(html[(i + 1)..end].TrimStart('/').TakeWhile(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant();
                if (name is "p" or "br" or "div" or "li") text.Append(' ');
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
        string[] pieces = ["word", "Zürich", " ", "  ", "\t", "\n", "\u00A0", "\u2003", "<b>", "</p>", "<br/>", "<span>", "</I>", "<div>", "<foo>", "<LI>", "&amp;", "&nbsp;",
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
