using Aggregator.Notifications;

namespace Aggregator.Tests.Notifications;

/// <summary>The depth an HTML parser would nest to, found without building a tree: it may err high, never low.</summary>
public sealed class HtmlNestingTests
{
    [Theory]
    [InlineData("plain text", 0)]
    [InlineData("<p>One <b>two</b> three</p>", 2)]
    [InlineData("<div><div><div>x</div></div></div>", 3)]
    [InlineData("<p>a<br>b<br/>c<img src=x><hr>d</p>", 2)]                 // void elements are leaves: nothing nests in them
    [InlineData("<p>one<p>two<p>three", 1)]                                 // a p closes the open p
    [InlineData("<ul><li>one<li>two<li>three</ul><ul><li>four</ul>", 2)]     // a li closes the open li
    [InlineData("<dl><dt>a<dd>b<dt>c<dd>d</dl>", 2)]
    [InlineData("<div><span>unclosed</div><div>next</div>", 2)]             // a div's end closes what is inside it
    [InlineData("<script><div><div><div></script>", 1)]                     // raw text hides what looks like tags
    [InlineData("<style>div > p { }</style><textarea><div></textarea>", 1)]
    [InlineData("<!-- <div><div><div> -->x", 0)]
    [InlineData("<div title=\"<div><div>\">x</div>", 1)]                    // quoted attribute values too
    [InlineData("<table><td>cell</table>", 4)]                               // the parser adds tbody and tr
    [InlineData("<svg><g/><g/><g/></svg>", 2)]                               // "/>" closes inside svg
    public void CountsWhatTheParserWouldNest(string html, int depth) =>
        Assert.Equal(depth, HtmlNesting.MaxDepth(html, 64));

    [Theory]
    [InlineData("<span><div></span>")]           // the parser ignores </span> above the div
    [InlineData("<div><object></div>")]          // </div> past an object's scope is ignored
    [InlineData("<p><b id=1></p>x")]             // the b is reopened at the next text
    [InlineData("<div><noscript></div></noscript>")] // noscript is raw text to HtmlSanitizer's parser
    [InlineData("<!-- --!><div> -->")]           // the comment ends at --!>
    [InlineData("<table><td><table><td>")]
    public void ConstructsThatNestWithoutLookingLikeItAreCountedAsTheyRepeat(string unit)
    {
        var html = string.Concat(Enumerable.Repeat(unit, 100));

        Assert.True(HtmlNesting.MaxDepth(html, 64) > 64, html[..60]);
    }

    [Fact]
    public void AHundredThousandNestedDivsAreOverTheLimitFromTheFirstSixtyFive() =>
        Assert.Equal(65, HtmlNesting.MaxDepth(string.Concat(Enumerable.Repeat("<div>", 100_000)), 64));
}
