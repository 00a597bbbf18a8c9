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
}
