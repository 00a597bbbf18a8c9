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
    [InlineData("https://example.com/news/fire?ref=rss", "example.com/news/fire")]
    [InlineData("https://www.bbc.co.uk/news/articles/c1?at_medium=RSS&at_campaign=rss", "bbc.co.uk/news/articles/c1")]
    [InlineData("https://www.lemonde.fr/a.html?xtor=RSS-3208&mtm_source=x&pk_kwd=y", "lemonde.fr/a.html")]
    [InlineData("https://example.com/a?ocid=msedgntp&cmpid=share&taid=123&smid=tw-share&ref_src=twsrc%5Etfw", "example.com/a")]
    [InlineData("https://www.youtube.com/watch?v=abc123&utm_source=feed", "youtube.com/watch?v=abc123")]
    [InlineData("https://example.com/index.php?p=42&story=9&article=3&fbclid=x", "example.com/index.php?p=42&story=9&article=3")]
    public void TrackingParametersFragmentsWwwAndSchemeDoNotMakeANewStory(string link, string canonical) =>
        Assert.Equal(canonical, StoryKey.CanonicalLink(link));

    [Theory]
    [InlineData("https://example.com/story?id=2", "https://example.com/story?id=3")]
    [InlineData("https://example.com/index.php?p=41", "https://example.com/index.php?p=42")]
    [InlineData("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abd")]
    public void ParametersThatNameTheArticleKeepTwoArticlesApart(string a, string b) =>
        Assert.NotEqual(StoryKey.CanonicalLink(a), StoryKey.CanonicalLink(b));

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
