using Aggregator.Notifications;

namespace Aggregator.Tests.Notifications;

/// <summary>Feed HTML is untrusted: what the email keeps of it, and where it falls back to plain text.</summary>
public sealed class EntryHtmlTests
{
    [Fact]
    public void LinksBecomeAbsoluteAndScriptsHandlersImagesAndJavascriptLinksAreDropped()
    {
        const string html = """
            <p onclick="steal()">See <a href="/report.pdf">the report</a> on <em>Iran</em>.
            <img src="https://tracker.example/p.gif"><a href="javascript:alert(1)">click</a>
            <iframe src="https://evil.example/"></iframe><style>p { display: none }</style></p>
            """;

        var safe = EntryHtml.ToHtml(html, "https://example.org/news/2026/item", ["Iran"])!;

        Assert.Contains("<a href=\"https://example.org/report.pdf\" rel=\"noopener noreferrer\">the report</a>", safe);
        Assert.Contains("<em><mark>Iran</mark></em>", safe);
        Assert.DoesNotContain("onclick", safe);
        Assert.DoesNotContain("<img", safe);
        Assert.DoesNotContain("javascript:", safe);
        Assert.DoesNotContain("iframe", safe);
        Assert.DoesNotContain("display: none", safe);
    }

    [Fact]
    public void TermsAreMarkedAsWholeWordsInTextNotInsideTagsOrAttributes()
    {
        var safe = EntryHtml.ToHtml("""<p title="Iran">Iranian and Iran; <a href="https://example.org/iran">Iran</a></p>""", null, ["Iran"])!;

        Assert.Equal("""<p title="Iran">Iranian and <mark>Iran</mark>; <a href="https://example.org/iran" rel="noopener noreferrer"><mark>Iran</mark></a></p>""", safe);
    }

    [Fact]
    public void TermsAreMarkedInTheHtmlTextWithTheSameNormalisationAsMatching()
    {
        var safe = EntryHtml.ToHtml("<p>محادثات بين روسيا <b>وإيران</b></p><p>Удар <i>Хезболлы</i></p>", null, ["إيران", "Хезболл*"])!;

        Assert.Equal("<p>محادثات بين روسيا <b><mark>وإيران</mark></b></p><p>Удар <i><mark>Хезболлы</mark></i></p>", safe);
    }

    [Fact]
    public void NothingToShowOrAWholeArticleGivesNullSoTheEmailUsesThePlainSummary()
    {
        Assert.Null(EntryHtml.ToHtml("<script>alert(1)</script>", null, []));
        Assert.Null(EntryHtml.ToHtml("  ", null, []));
        Assert.Null(EntryHtml.ToHtml("<p>" + string.Concat(Enumerable.Repeat("word ", 1000)) + "</p>", null, []));
    }

    [Fact]
    public void HtmlNestedDeeperThanTheLimitGivesNullBeforeAnyTreeIsBuilt()
    {
        // 19,000 levels in 95,000 characters: under the length limit; building its tree took 4 s.
        var deep = string.Concat(Enumerable.Repeat("<div>", 19_000)) + "Iran";

        Assert.Null(EntryHtml.ToHtml(deep, null, ["Iran"]));
        Assert.NotNull(EntryHtml.ToHtml(string.Concat(Enumerable.Repeat("<div>", EntryHtml.MaxHtmlDepth)) + "Iran", null, ["Iran"]));
    }

    [Fact]
    public void HtmlLongerThanTheLimitGivesNull()
    {
        var padded = "<p>Iran</p><!--" + new string(' ', EntryHtml.MaxHtmlLength) + "-->";

        Assert.Null(EntryHtml.ToHtml(padded, null, ["Iran"]));
    }

    [Fact]
    public void RelativeLinksWithoutAnHttpEntryLinkAreDroppedNotLeftRelative()
    {
        var safe = EntryHtml.ToHtml("""<p><a href="//evil.example/x">one</a> <a href="/report">two</a> <a href="mailto:desk@example.org">mail</a></p>""",
            "javascript:alert(1)", [])!;

        Assert.Equal("""<p><a>one</a> <a>two</a> <a href="mailto:desk@example.org" rel="noopener noreferrer">mail</a></p>""", safe);
    }
}
