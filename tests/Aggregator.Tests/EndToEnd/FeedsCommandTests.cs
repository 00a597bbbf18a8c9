using System.Text.Json.Nodes;
using Aggregator.Configuration;
using Aggregator.Storage;
using Aggregator.Tests.Configuration;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`feeds add`, `remove`, `import` and `export` as a user runs them: the real executable, feeds and pages served on
/// loopback, config/feeds.json edited in place.</summary>
public sealed class FeedsCommandTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private FeedServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FeedServer.StartAsync();
        _root.WriteSettings();
        _root.WriteFeeds("""
            {
              "feeds": [
                // kept as written
                { "name": "Existing", "url": "URL" }
              ]
            }
            """.Replace("URL", _server.Url("/existing.xml").ToString()));
        _server.Serve("/existing.xml", Rss.Feed("Existing feed", new Rss.Item("e1", "Old news")));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _root.Dispose();
    }

    private string FeedsJson => File.ReadAllText(Path.Combine(_root.Path, "config", "feeds.json"));

    private AggregatorConfig Config => ConfigLoader.Load(Path.Combine(_root.Path, "config"), "config", ["console"]);

    private Task<AggregatorProcess.Result> Run(params string[] args) => AggregatorProcess.RunAsync(_root.Path, args);

    private static string Page(params string[] links) =>
        $"<!doctype html><html><head><title>Site</title>{string.Concat(links)}</head><body><p>Hello</p></body></html>";

    [Fact]
    public async Task AWebPagesMainFeedIsChosenOverItsCommentsFeedAndAtomOrRssOverJsonAndTheOthersAreNamed()
    {
        _server.Serve("/", Page(
            """<link rel="alternate" type="application/rss+xml" title="Site » Comments Feed" href="/comments/feed/">""",
            """<link rel="alternate" type="application/feed+json" title="Site (JSON)" href="/feed.json">""",
            """<link rel="alternate" type="application/rss+xml" title="Site » Feed" href="/feed/">"""), "text/html; charset=utf-8");
        _server.Serve("/feed/", Rss.Feed("Site: the main feed", new Rss.Item("a", "Iran and Russia"), new Rss.Item("b", "Sanctions")));
        _server.Serve("/comments/feed/", Rss.Feed("Comments on Site", new Rss.Item("c", "A comment")));
        _server.Serve("/feed.json", """{ "version": "https://jsonfeed.org/version/1.1", "title": "Site JSON", "items": [] }""", "application/feed+json");

        var added = await Run("feeds", "add", _server.Url("/").ToString(), "--tag", "blogs", "--interval", "30m");

        Assert.Equal(0, added.ExitCode);
        Assert.Contains($"its feed: {_server.Url("/feed/")}", added.StdOut);
        Assert.Contains($"also offered: {_server.Url("/feed.json")} (JSON Feed", added.StdOut);
        Assert.Contains($"also offered: {_server.Url("/comments/feed/")} (RSS, \"Site » Comments Feed\")", added.StdOut);
        Assert.Contains("Added \"Site: the main feed\"", added.StdOut);
        var feed = Config.Feeds.Single(f => f.Name == "Site: the main feed");
        Assert.Equal(_server.Url("/feed/"), feed.Url);
        Assert.Equal(["blogs"], feed.Tags);
        Assert.Equal(TimeSpan.FromMinutes(30), feed.Interval);
        Assert.Contains("// kept as written", FeedsJson);

        var status = await Run("status", "--json");
        Assert.Contains("\"name\":\"Site: the main feed\"", status.StdOut);
    }

    [Fact]
    public async Task AWebPageWithOneFeedLinkGetsThatFeedResolvedAgainstThePage()
    {
        _server.Serve("/blog/", Page("""<link rel="alternate" type="application/atom+xml" href="atom.xml">"""), "text/html");
        _server.Serve("/blog/atom.xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>A blog in Atom</title><id>urn:blog</id><updated>2026-11-30T10:00:00Z</updated>
              <entry><title>First post</title><id>urn:blog:1</id><updated>2026-11-30T10:00:00Z</updated></entry>
            </feed>
            """, "application/atom+xml");

        var added = await Run("feeds", "add", _server.Url("/blog/").ToString());

        Assert.Equal(0, added.ExitCode);
        Assert.Contains($"its feed: {_server.Url("/blog/atom.xml")}", added.StdOut);
        Assert.DoesNotContain("also offered", added.StdOut);
        Assert.Equal(_server.Url("/blog/atom.xml"), Config.Feeds.Single(f => f.Name == "A blog in Atom").Url);
    }

    [Fact]
    public async Task AFeedUrlIsAddedUnderItsTitleAndTheSameFeedIsRefusedAgainAlsoThroughARedirect()
    {
        _server.Serve("/one.xml", Rss.Feed("Existing", new Rss.Item("x", "Something")));
        _server.Handle("/old.xml", context => { context.Response.StatusCode = 301; context.Response.Headers.Location = "/one.xml"; return Task.CompletedTask; });

        var first = await Run("feeds", "add", _server.Url("/one.xml").ToString());
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Added \"Existing (2)\"", first.StdOut); // the title is another feed's name: made unique

        var again = await Run("feeds", "add", _server.Url("/one.xml").ToString());
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is already in config/feeds.json as \"Existing (2)\"", again.StdErr);

        var redirected = await Run("feeds", "add", _server.Url("/old.xml").ToString(), "--name", "Other");
        Assert.Equal(1, redirected.ExitCode);
        Assert.Contains($"leads to {_server.Url("/one.xml")}, which is already in config/feeds.json as \"Existing (2)\"", redirected.StdErr);
        Assert.Equal(["Existing", "Existing (2)"], Config.Feeds.Select(f => f.Name));
    }

    [Fact]
    public async Task APageWithoutFeedLinksOrAFeedThatDoesNotParseIsNotAdded()
    {
        _server.Serve("/plain", Page(), "text/html");
        _server.Serve("/broken.xml", "this is not a feed at all", "application/rss+xml");
        var before = FeedsJson;

        var page = await Run("feeds", "add", _server.Url("/plain").ToString());
        Assert.Equal(1, page.ExitCode);
        Assert.Contains("is a web page with no <link rel=\"alternate\"> to an RSS, Atom or JSON feed", page.StdErr);

        var broken = await Run("feeds", "add", _server.Url("/broken.xml").ToString());
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("Not added:", broken.StdErr);

        var missing = await Run("feeds", "add", _server.Url("/missing.xml").ToString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("404", missing.StdErr);
        Assert.Equal(before, FeedsJson);
    }

    [Fact]
    public async Task RemoveCutsTheFeedButRefusesWhileARuleNamesIt()
    {
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Iran", "feeds": ["Existing"] } ] }""");
        var refused = await Run("feeds", "remove", "existing");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("rule \"r\" in config/rules.json names \"Existing\"", refused.StdErr);

        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Iran" } ] }""");
        var removed = await Run("feeds", "remove", "existing");
        Assert.Equal(0, removed.ExitCode);
        Assert.Empty(Config.Feeds);
        Assert.Contains("// kept as written", FeedsJson);
        Assert.Equal(1, (await Run("feeds", "remove", "existing")).ExitCode);
    }

    [Fact]
    public async Task ImportingTheSameListTwiceChangesNothingTheSecondTimeAndAnExportImportsBackAsTheSameSet()
    {
        foreach (var fixture in new[] { "feedly.opml", "inoreader.xml", "miniflux.opml", "newsboat.opml" })
            Assert.Equal(0, (await Run("feeds", "import", OpmlTests.Fixture(fixture))).ExitCode);
        var imported = Config.Feeds;
        Assert.Equal(11, imported.Count); // 1 existing + 3 + 3 + 2 + 2 (Al Jazeera once, in two folders)
        Assert.Equal(["World", "Middle East"], imported.Single(f => f.Url.AbsoluteUri == "https://www.aljazeera.com/xml/rss/all.xml").Tags);

        var before = FeedsJson;
        var again = await Run("feeds", "import", OpmlTests.Fixture("feedly.opml"));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Nothing to add: of the 3 feeds in", again.StdOut);
        Assert.Contains("skipped https://www.tehrantimes.com/rss: already in config/feeds.json as \"Tehran Times\"", again.StdOut);
        Assert.Equal(before, FeedsJson);

        var opml = Path.Combine(_root.Path, "export.opml");
        Assert.Equal(0, (await Run("feeds", "export", opml)).ExitCode);
        var stdout = await Run("feeds", "export");
        Assert.StartsWith("<?xml", stdout.StdOut);

        using var fresh = new ContentRoot();
        fresh.WriteSettings();
        fresh.WriteFeeds("""{ "feeds": [] }""");
        Assert.Equal(0, (await AggregatorProcess.RunAsync(fresh.Path, "feeds", "import", opml)).ExitCode);
        var reimported = ConfigLoader.Load(Path.Combine(fresh.Path, "config"), "config", ["console"]).Feeds;
        static string Key(FeedDefinition f) => $"{f.Name} {f.Url} {string.Join(",", f.Tags.Order())}";
        Assert.Equal(imported.Select(Key).Order(), reimported.Select(Key).Order());
    }

    [Fact]
    public async Task ImportWithCheckSkipsTheFeedsThatCannotBeReadAndSaysWhy()
    {
        _server.Serve("/good.xml", Rss.Feed("Good", new Rss.Item("g", "Fine")));
        var opml = Path.Combine(_root.Path, "list.opml");
        File.WriteAllText(opml, $"""
            <?xml version="1.0"?>
            <opml version="2.0"><head><title>t</title></head><body>
              <outline text="Checked">
                <outline type="rss" text="Good" xmlUrl="{_server.Url("/good.xml")}"/>
                <outline type="rss" text="Gone" xmlUrl="{_server.Url("/gone.xml")}"/>
              </outline>
              <outline text="A folder with no feeds"/>
            </body></opml>
            """);

        var result = await Run("feeds", "import", opml, "--check");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("added 1 feeds", result.StdOut);
        Assert.Contains($"skipped {_server.Url("/gone.xml")}: HTTP 404", result.StdOut);
        Assert.Contains("\"A folder with no feeds\" has no xmlUrl", result.StdOut);
        Assert.Equal(["Existing", "Good"], Config.Feeds.Select(f => f.Name));
        Assert.Equal(["Checked"], Config.Feeds[1].Tags);
    }

    [Fact]
    public async Task FeedsAddedAndRemovedWhileTheServiceRunsTakeEffectAtItsNextPoll()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        _root.WriteSettings(aggregator: new JsonObject
        {
            ["Polling"] = new JsonObject { ["Interval"] = "1s", ["MinInterval"] = "1s", ["Tick"] = "1s" },
        });
        _server.Serve("/new.xml", Rss.Feed("Newcomer", new Rss.Item("n1", "First"), new Rss.Item("n2", "Second")));
        await using var service = ServiceProcess.Start(_root.Path);
        var seen = await service.WaitForLogAsync("1 entries, 1 new");

        Assert.Equal(0, (await Run("feeds", "add", _server.Url("/new.xml").ToString())).ExitCode);
        // The service reloads the file, and polls the new feed (which `feeds add` already made due) at its next tick:
        // either may be logged first.
        await service.WaitForLogAsync("config/ reloaded: 2 feeds", seen);
        seen = await service.WaitForLogAsync("Feed 'Newcomer' 2 (", seen);
        Assert.Contains("Feed 'Newcomer' 2 (" + _server.Url("/new.xml") + "): 2 entries, 2 new", service.Log);

        Assert.Equal(0, (await Run("feeds", "remove", "Newcomer")).ExitCode);
        await service.WaitForLogAsync("config/ reloaded: 1 feeds", seen);
        var status = await Run("status", "--json");
        Assert.Contains(status.StdOut.Split('\n'), l => l.Contains("\"name\":\"Newcomer\"") && l.Contains("\"state\":\"disabled\""));
        Assert.Equal(0, await service.StopAsync());
        Assert.DoesNotContain("not valid", service.Log);
    }
}
