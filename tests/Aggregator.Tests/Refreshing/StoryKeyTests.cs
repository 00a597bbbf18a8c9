using Aggregator.Parsing;
using Aggregator.Refreshing;

namespace Aggregator.Tests.Refreshing;

public sealed class StoryKeyTests
{
    [Theory]
    [InlineData("https://www.Example.com/world/story/?utm_source=rss&utm_medium=feed#comments", "example.com/world/story")]
    [InlineData("http://example.com/world/story?id=7&fbclid=abc", "example.com/world/story?id=7")]
    [InlineData("https://example.com:8443/a?b=1&utm_campaign=x&c=2", "example.com:8443/a?b=1&c=2")]
    [InlineData("https://example.com/", "example.com/")]
    public void TrackingParametersFragmentsWwwAndSchemeDoNotMakeANewStory(string link, string canonical) =>
        Assert.Equal(canonical, StoryKey.CanonicalLink(link));

    [Theory]
    [InlineData(null)]
    [InlineData("2")]
    [InlineData("tag:example.com,2026:1")]
    public void WhatIsNoWebLinkHasNoStoryLink(string? link) => Assert.Null(StoryKey.CanonicalLink(link));

    [Fact]
    public void TitlesCompareAsWordsAndShortOnesDoNotCount()
    {
        Assert.Equal("iran and russia sign a deal", StoryKey.For(new ParsedEntry { Title = "IRAN and Russia sign a deal!" }).Title);
        Assert.Equal(StoryKey.For(new ParsedEntry { Title = "Café talks — resume" }).Title, StoryKey.For(new ParsedEntry { Title = "cafe talks resume" }).Title);
        Assert.Null(StoryKey.For(new ParsedEntry { Title = "Live updates" }).Title);
    }
}
