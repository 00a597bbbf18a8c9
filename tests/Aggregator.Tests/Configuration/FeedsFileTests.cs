using Aggregator.Configuration;

namespace Aggregator.Tests.Configuration;

/// <summary>`feeds add` and `feeds remove` edit config/feeds.json as text: everything else in the file, comments and
/// formatting included, stays byte for byte, and the result still loads.</summary>
public sealed class FeedsFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-feedsfile-").FullName;

    private string FeedsPath => Path.Combine(_directory, ConfigLoader.FeedsFile);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Commented = """
        // Our feeds. Keep the think tanks first.
        {
          "feeds": [
            { "name": "ISW", "url": "https://example.org/isw.xml", "tags": ["think-tank"] }, // daily
            /* a block comment, with a comma, in it */
            { "name": "BBC", "url": "https://example.org/bbc.xml" }
          ]
        }
        """;

    private AggregatorConfig Load() => ConfigLoader.Load(_directory, "config", ["console"]);

    [Fact]
    public void AnAddedFeedGoesBeforeTheClosingBracketInTheFilesIndentationAndNothingElseChanges()
    {
        File.WriteAllText(FeedsPath, Commented);
        new FeedsFile(FeedsPath).Add([new FeedEntry("Al Jazeera", new Uri("https://example.org/aj.xml"), TimeSpan.FromMinutes(30), ["news", "middle-east"])]);

        var expected = Commented.Replace("""
                { "name": "BBC", "url": "https://example.org/bbc.xml" }
            """, """
                { "name": "BBC", "url": "https://example.org/bbc.xml" },
                { "name": "Al Jazeera", "url": "https://example.org/aj.xml", "interval": "30m", "tags": ["news", "middle-east"] }
            """);
        Assert.Equal(expected, File.ReadAllText(FeedsPath));
        Assert.Equal(["ISW", "BBC", "Al Jazeera"], Load().Feeds.Select(f => f.Name));
        Assert.Equal(TimeSpan.FromMinutes(30), Load().Feeds[2].Interval);
    }

    [Fact]
    public void ARemovedFeedIsCutWithItsCommaAndTheCommentsAroundItStay()
    {
        File.WriteAllText(FeedsPath, Commented);
        Assert.True(new FeedsFile(FeedsPath).Remove("bbc"));

        Assert.Equal("""
            // Our feeds. Keep the think tanks first.
            {
              "feeds": [
                { "name": "ISW", "url": "https://example.org/isw.xml", "tags": ["think-tank"] } // daily
                /* a block comment, with a comma, in it */
              ]
            }
            """, File.ReadAllText(FeedsPath));
        Assert.Equal(["ISW"], Load().Feeds.Select(f => f.Name));
    }

    [Fact]
    public void AFeedInTheMiddleGoesWithItsWholeLine()
    {
        File.WriteAllText(FeedsPath, "{ \"feeds\": [\r\n  { \"name\": \"A\", \"url\": \"https://a.example/\" },\r\n  { \"name\": \"B\", \"url\": \"https://b.example/\" },\r\n  { \"name\": \"C\", \"url\": \"https://c.example/\" }\r\n] }\r\n");
        Assert.True(new FeedsFile(FeedsPath).Remove("B"));
        Assert.Equal("{ \"feeds\": [\r\n  { \"name\": \"A\", \"url\": \"https://a.example/\" },\r\n  { \"name\": \"C\", \"url\": \"https://c.example/\" }\r\n] }\r\n", File.ReadAllText(FeedsPath));
        Assert.False(new FeedsFile(FeedsPath).Remove("B"));
    }

    [Fact]
    public void AFeedAddedToAnEmptyArrayOrAOneLineFileIsValidAndKeepsTheLineEndings()
    {
        File.WriteAllText(FeedsPath, "{ \"feeds\": [] }");
        var file = new FeedsFile(FeedsPath);
        file.Add([new FeedEntry("A", new Uri("https://a.example/feed"), null, [])]);
        file.Add([new FeedEntry("B \"quoted\"", new Uri("https://b.example/feed"), null, [])]);
        Assert.Equal(["A", "B \"quoted\""], Load().Feeds.Select(f => f.Name));

        File.WriteAllText(FeedsPath, "{\r\n  \"feeds\": [\r\n    { \"name\": \"A\", \"url\": \"https://a.example/\" },\r\n  ]\r\n}\r\n");
        new FeedsFile(FeedsPath).Add([new FeedEntry("B", new Uri("https://b.example/"), null, [])]);
        Assert.Equal("{\r\n  \"feeds\": [\r\n    { \"name\": \"A\", \"url\": \"https://a.example/\" },\r\n    { \"name\": \"B\", \"url\": \"https://b.example/\" }\r\n  ]\r\n}\r\n",
            File.ReadAllText(FeedsPath));
        Assert.Empty(Directory.GetFiles(_directory, ".*")); // no temporary or lock file left behind
    }

    [Fact]
    public void AFileThatIsNotValidJsonIsLeftAloneWithTheLine()
    {
        const string broken = "{ \"feeds\": [\n  { \"name\": \"A\" \"url\": \"https://a.example/\" }\n] }";
        File.WriteAllText(FeedsPath, broken);
        var error = Assert.Throws<ConfigException>(() => new FeedsFile(FeedsPath).Add([new FeedEntry("B", new Uri("https://b.example/"), null, [])]));
        Assert.Contains("line 2", error.Message);
        Assert.Equal(broken, File.ReadAllText(FeedsPath));
    }
}
