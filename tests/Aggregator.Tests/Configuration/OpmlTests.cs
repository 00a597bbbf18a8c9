using Aggregator.Configuration;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Configuration;

/// <summary>Subscription lists as Feedly, Inoreader, Miniflux and newsboat export them (fixtures in Opml/, in their exact
/// shapes) read as feeds with their folders; what we write reads back the same.</summary>
public sealed class OpmlTests
{
    public static string Fixture(string name) => Path.Combine(AggregatorProcess.RepositoryRoot, "tests", "Aggregator.Tests", "Configuration", "Opml", name);

    private static string Describe(OpmlFeed feed) => $"{feed.Title} | {feed.XmlUrl} | {feed.HtmlUrl} | {string.Join(",", feed.Folders)}";

    [Fact]
    public void FeedlysFoldersBecomeTagsAndAFeedInTwoFoldersComesOnceWithBoth()
    {
        var (feeds, skipped) = OpmlReader.Read(Fixture("feedly.opml"));
        Assert.Equal([
            "BBC News - World | https://feeds.bbci.co.uk/news/world/rss.xml | https://www.bbc.co.uk/news/world | World",
            "Al Jazeera – Breaking News, World News and Video from Al Jazeera | https://www.aljazeera.com/xml/rss/all.xml | https://www.aljazeera.com | World,Middle East",
            "Tehran Times | https://www.tehrantimes.com/rss | https://www.tehrantimes.com | Middle East",
        ], feeds.Select(Describe));
        Assert.Empty(skipped);
    }

    [Fact]
    public void InoreadersFoldersAndTopLevelFeedsAreRead()
    {
        var (feeds, _) = OpmlReader.Read(Fixture("inoreader.xml"));
        Assert.Equal([
            "TASS | https://tass.com/rss/v2.xml | https://tass.com | Russia",
            "Meduza | https://meduza.io/rss/en/all | https://meduza.io/en | Russia",
            "UN News | https://news.un.org/feed/subscribe/en/news/all/rss.xml | https://news.un.org | ",
        ], feeds.Select(Describe));
    }

    [Fact]
    public void MinifluxsCategoriesWithTextOnlyAndOpenCloseFeedTagsAreRead()
    {
        var (feeds, _) = OpmlReader.Read(Fixture("miniflux.opml"));
        Assert.Equal([
            "Guardian World | https://www.theguardian.com/world/rss | https://www.theguardian.com/world | All",
            "ISW | https://www.understandingwar.org/rss.xml | https://www.understandingwar.org/ | Think tanks",
        ], feeds.Select(Describe));
    }

    [Fact]
    public void NewsboatsFlatListWithTitlesOnlyIsRead()
    {
        var (feeds, _) = OpmlReader.Read(Fixture("newsboat.opml"));
        Assert.Equal([
            "World : NPR | https://feeds.npr.org/1004/rss.xml | https://www.npr.org/sections/world/ | ",
            "France 24 - International breaking news | https://www.france24.com/en/rss | https://www.france24.com/en/ | ",
        ], feeds.Select(Describe));
    }

    [Fact]
    public void WhatWeWriteIsOpml2WithTypeTextTitleXmlUrlAndHtmlUrlAndReadsBackTheSame()
    {
        var (feeds, _) = OpmlReader.Read(Fixture("feedly.opml"));
        var path = Path.Combine(Path.GetTempPath(), $"aggregator-opml-{Guid.NewGuid():N}.opml");
        try
        {
            using (var file = File.Create(path)) OpmlWriter.Write(file, feeds, new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
            var written = System.Xml.Linq.XDocument.Load(path);
            Assert.Equal("2.0", written.Root!.Attribute("version")!.Value);
            Assert.Equal("Tue, 01 Dec 2026 08:00:00 GMT", written.Root.Element("head")!.Element("dateCreated")!.Value);
            var tehran = written.Descendants("outline").Single(o => (string?)o.Attribute("xmlUrl") == "https://www.tehrantimes.com/rss");
            Assert.Equal(["type=rss", "text=Tehran Times", "title=Tehran Times", "xmlUrl=https://www.tehrantimes.com/rss", "htmlUrl=https://www.tehrantimes.com"],
                tehran.Attributes().Select(a => $"{a.Name}={a.Value}"));
            Assert.Equal("Middle East", (string?)tehran.Parent!.Attribute("text"));
            Assert.Equal(feeds.Select(Describe), OpmlReader.Read(path).Feeds.Select(Describe));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AFileThatIsNotOpmlSaysSo()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aggregator-opml-{Guid.NewGuid():N}.xml");
        try
        {
            File.WriteAllText(path, "<rss version=\"2.0\"><channel/></rss>");
            Assert.Contains("not an OPML file", Assert.Throws<ConfigException>(() => OpmlReader.Read(path)).Message);
            File.WriteAllText(path, "<opml><body><outline text=\"a\"");
            Assert.Contains("not valid XML", Assert.Throws<ConfigException>(() => OpmlReader.Read(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
