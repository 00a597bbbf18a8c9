using Aggregator.Notifications;

namespace Aggregator.Tests.Notifications;

public sealed class TermHighlighterTests
{
    [Fact]
    public void TermsAreMarkedAsWholeWordsRegardlessOfCase() =>
        Assert.Equal("<mark>War</mark> on software <mark>war</mark>", TermHighlighter.ToHtml("War on software war", ["war"]));

    [Fact]
    public void ATrailingStarMarksTheWholeWordItStarts() =>
        Assert.Equal("<mark>Ukrainian</mark> and <mark>Ukraine</mark>", TermHighlighter.ToHtml("Ukrainian and Ukraine", ["ukrain*"]));

    [Fact]
    public void AQuotedPhraseMatchesAcrossALineBreakAndTheLongerTermWins() =>
        Assert.Equal("<mark>New\nYork Times</mark> in <mark>New York</mark>",
            TermHighlighter.ToHtml("New\nYork Times in New York", ["new york", "\"new york times\""]));

    [Fact]
    public void EverythingElseIsHtmlEscaped() =>
        Assert.Equal("&lt;script&gt;<mark>grid</mark>&lt;/script&gt; &amp; more",
            TermHighlighter.ToHtml("<script>grid</script> & more", ["grid"]));

    [Fact]
    public void RegexCharactersInATermAreLiteral() =>
        Assert.Equal("<mark>C++</mark> and C", TermHighlighter.ToHtml("C++ and C", ["c++"]));

    [Fact]
    public void ATermMarksTheWordsTheMatcherMatchedInAnyScript()
    {
        Assert.Equal("позиции <mark>Хезболлы</mark>", TermHighlighter.ToHtml("позиции Хезболлы", ["Хезболл*"]));
        Assert.Equal("روسيا <mark>وإيران</mark> و <mark>ایران</mark>", TermHighlighter.ToHtml("روسيا وإيران و ایران", ["إيران"]));
        Assert.Equal("دعم <mark>لحزب الله</mark>", TermHighlighter.ToHtml("دعم لحزب الله", ["حزب الله"]));
        Assert.Equal("<mark>حزب\u200cالله</mark> لبنان", TermHighlighter.ToHtml("حزب\u200cالله لبنان", ["حزب\u200cالله"]));
        Assert.Equal("<mark>ΕΛΛΆΣ</mark>", TermHighlighter.ToHtml("ΕΛΛΆΣ", ["Ελλάς"]));
        Assert.Equal("<mark>Африканского корпуса</mark>", TermHighlighter.ToHtml("Африканского корпуса", ["Африканск* корпус*"]));
    }

    [Fact]
    public void APrefixedArabicWordIsNotMarkedForATermThatIsNotInIt() =>
        Assert.Equal("الإيرانية", TermHighlighter.ToHtml("الإيرانية", ["إيران"]));

    [Fact]
    public void TheSpansAreReturnedInOrderForOtherCallers() =>
        Assert.Equal([(0, 9), (14, 6)], TermHighlighter.Marks("Hizballah and Russia", ["Russia", "Hizballah"]));

    [Fact]
    public void ARegexTermMarksNothing() => Assert.Equal("Iran", TermHighlighter.ToHtml("Iran", ["/iran/i"]));
}
