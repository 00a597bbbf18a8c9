using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.EndToEnd;

/// <summary>One alert per story and updated entries, through the whole application (<see cref="TestHost"/>: feeds on a
/// loopback server, aiosmtpd and a webhook receiver, on a fake clock), on each engine: reworded headlines from three
/// feeds, a link with ?ref=rss, a corrected title that newly matches, and changes that must not alert again.</summary>
[Trait("Category", "EndToEnd")]
public abstract class StoryAlertTests(StorageProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : StoryAlertTests(StorageProvider.Sqlite);

    public sealed class OnPostgres() : StoryAlertTests(StorageProvider.Postgres);

    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private SmtpServer _smtp = null!;
    private WebhookReceiver _webhook = null!;
    private TestHost? _host;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _smtp = await SmtpServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await _webhook.DisposeAsync();
        await _smtp.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private static readonly string[] Feeds = ["Alpha", "Beta", "Gamma"];

    /// <summary>Three feeds, a rule on "Sevastopol" to a webhook and an email; the first poll stores their empty backlogs.</summary>
    private async Task<TestHost> StartAsync()
    {
        _root.WriteSettings(notifiers: new JsonObject
        {
            ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url },
            ["email"] = new JsonObject
            {
                ["Type"] = "smtp", ["Host"] = _smtp.Host, ["Port"] = _smtp.Port, ["Security"] = "none",
                ["From"] = "a@example.test", ["To"] = new JsonArray("b@example.test"),
            },
        });
        _root.WriteFeeds($$"""{ "feeds": [ {{string.Join(", ", Feeds.Select(f => $$"""{ "name": "{{f}}", "url": "{{_feeds.Url($"/{f}.xml")}}" }"""))}} ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "crimea", "query": "Sevastopol", "notify": ["ops", "email"] } ] }""");
        foreach (var feed in Feeds) _feeds.Serve($"/{feed}.xml", Rss.Feed(feed));
        _host = await TestHost.StartAsync(_root.Path, _time);
        await _host.PollAsync();
        return _host;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await _host!.Database.OpenAsync(TestContext.Current.CancellationToken);
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    private List<JsonNode> Hooks() => [.. _webhook.Requests.Select(r => JsonNode.Parse(r.BodyText)!)];

    [Fact]
    public async Task RewordedHeadlinesFromThreeFeedsAlertOnceAndTheOthersAreDuplicatesOfTheSentOne()
    {
        var host = await StartAsync();
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Sevastopol harbour fire destroys two Russian warships")));
        _feeds.Serve("/Beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Fire at Sevastopol harbour destroys two Russian warships")));
        _feeds.Serve("/Gamma.xml", Rss.Feed("Gamma", new Rss.Item("g1", "Two Russian warships destroyed by Sevastopol harbour fire, officials say")));
        _time.Advance(TimeSpan.FromMinutes(10));

        var (reports, _) = await host.PollAsync();

        var hook = Assert.Single(Hooks());
        Assert.Single(_smtp.Messages);
        await using var connection = await host.Database.OpenAsync(TestContext.Current.CancellationToken);
        var matches = (await connection.QueryAsync<(long Id, long? DuplicateOf, string Guid)>(
            "SELECT m.id, m.duplicate_of, e.guid FROM matches m JOIN entries e ON e.id = m.entry_id")).ToList();
        Assert.Equal(3, matches.Count);
        var sent = Assert.Single(matches, m => m.DuplicateOf is null);
        Assert.Equal(sent.Guid, hook["entry"]!["id"]!.GetValue<string>());
        Assert.All(matches.Where(m => m.DuplicateOf is not null), m => Assert.Equal(sent.Id, m.DuplicateOf));
        // What `poll` prints for each duplicate: the feed it was sent from, and the story's other feeds.
        var notes = reports.SelectMany(r => r.Notes).Where(n => n.DuplicateOf is not null).ToList();
        Assert.Equal(2, notes.Count);
        var sentFeed = reports.Single(r => r.Notes.Any(n => n.DuplicateOf is null)).Feed;
        Assert.All(notes, n => Assert.Equal(sentFeed, n.DuplicateOf!.Value.Feed));
        Assert.Contains(notes, n => n.AlsoIn.Count == 1); // the later duplicate knows the earlier one's feed
    }

    [Fact]
    public async Task AnotherHeadlineOfTheSameRuleIsStillAlerted()
    {
        var host = await StartAsync();
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Sevastopol harbour fire destroys two Russian warships")));
        await host.PollAsync();
        _feeds.Serve("/Beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Sevastopol harbour fire destroys three Russian warships")));
        _feeds.Serve("/Gamma.xml", Rss.Feed("Gamma", new Rss.Item("g1", "Drones strike Sevastopol airfield")));
        _time.Advance(TimeSpan.FromMinutes(10));
        await host.PollAsync();

        Assert.Equal(3, Hooks().Count);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM matches WHERE duplicate_of IS NOT NULL"));
    }

    [Fact]
    public async Task TheSameHeadlineOverAnotherEventIsAlertedWhenTheFirstSentencesDifferInNumbersOrNames()
    {
        var host = await StartAsync();
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Drone attack on Sevastopol harbour",
            "Ukrainian drones attacked Sevastopol harbour on Tuesday, damaging two ships, the governor said. Air defences were active.")));
        await host.PollAsync();
        _feeds.Serve("/Beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Drone attack on Sevastopol harbour",
            "Ukrainian drones attacked Sevastopol harbour on Friday, damaging five ships, the governor said.")));
        _time.Advance(TimeSpan.FromMinutes(10));
        await host.PollAsync();

        Assert.Equal(2, Hooks().Count);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM matches WHERE duplicate_of IS NOT NULL"));
        // The first sentence is stored beside the title's words, not the rest of the summary.
        var stored = await ScalarAsync<string>("SELECT story_words FROM matches WHERE duplicate_of IS NULL ORDER BY id LIMIT 1");
        Assert.Equal(6, stored.Split('|').Length);
        Assert.Contains("tuesday", stored);
        Assert.DoesNotContain("defences", stored);
    }

    [Fact]
    public async Task CloseHeadlinesWhoseFirstSentencesTellTheSameEventAlertOnce()
    {
        var host = await StartAsync();
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Fire destroys Sevastopol fuel depot after drone strike",
            "A fire destroyed a fuel depot in Sevastopol on Tuesday after a Ukrainian drone strike, the governor said.")));
        await host.PollAsync();
        _feeds.Serve("/Beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Sevastopol fuel depot ablaze after drone raid",
            "A Ukrainian drone strike set a fuel depot in Sevastopol on fire on Tuesday, destroying it, the governor said.")));
        _time.Advance(TimeSpan.FromMinutes(10));
        await host.PollAsync();

        Assert.Equal("a1", Assert.Single(Hooks())["entry"]!["id"]!.GetValue<string>());
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM matches WHERE duplicate_of IS NOT NULL"));
    }

    [Fact]
    public async Task ALinkWithRefRssIsTheSameStoryAsTheArticleItself()
    {
        var host = await StartAsync();
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Sevastopol: what we know", Link: "https://news.example/crimea/fire?ref=rss")));
        await host.PollAsync();
        _feeds.Serve("/Beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Live: Sevastopol", Link: "https://news.example/crimea/fire")));
        _time.Advance(TimeSpan.FromMinutes(10));
        await host.PollAsync();

        Assert.Equal("a1", Assert.Single(Hooks())["entry"]!["id"]!.GetValue<string>());
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM matches WHERE duplicate_of IS NOT NULL"));
    }

    [Fact]
    public async Task ACorrectedTitleThatNewlyMatchesAlertsOnceMarkedAsAnUpdateAndLaterChangesDoNot()
    {
        var host = await StartAsync();
        var item = new Rss.Item("a1", "Harbour fire in Crimea", "Smoke over the bay.");
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", item));
        await host.PollAsync();
        Assert.Empty(Hooks());

        _time.Advance(TimeSpan.FromMinutes(10));
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", item with { Title = "Harbour fire in Sevastopol" }));
        var (reports, _) = await host.PollAsync();

        Assert.Equal(1, reports.Single(r => r.Feed == "Alpha").UpdatedEntries);
        var hook = Assert.Single(Hooks());
        Assert.True(hook["update"]!.GetValue<bool>());
        Assert.Equal("Harbour fire in Sevastopol", hook["entry"]!["title"]!.GetValue<string>());
        Assert.Equal("[crimea] Updated: Harbour fire in Sevastopol", Assert.Single(_smtp.Messages).Subject);
        await using (var connection = await host.Database.OpenAsync(TestContext.Current.CancellationToken))
        {
            var row = await connection.QuerySingleAsync<(string Title, DateTimeOffset FetchedAt, DateTimeOffset RevisedAt, long Revision)>(
                "SELECT title, fetched_at, revised_at, revision FROM entries WHERE guid = 'a1'");
            Assert.Equal(("Harbour fire in Sevastopol", Start, Start.AddMinutes(10), 1L), row);
        }

        // Changed again (text and title): updated, matched again, but this rule has alerted on it: no new alert.
        _time.Advance(TimeSpan.FromMinutes(10));
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", item with { Title = "Harbour fire in Sevastopol: two ships lost", Description = "Two ships burned." }));
        await host.PollAsync();
        // Only its date changes: not an update.
        _time.Advance(TimeSpan.FromMinutes(10));
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", item with
        {
            Title = "Harbour fire in Sevastopol: two ships lost", Description = "Two ships burned.", Published = Start.AddHours(1),
        }));
        var (last, _) = await host.PollAsync();

        Assert.Equal(0, last.Single(r => r.Feed == "Alpha").UpdatedEntries);
        Assert.Single(Hooks());
        Assert.Single(_smtp.Messages);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT revision FROM entries WHERE guid = 'a1'"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM matches"));
    }

    [Fact]
    public async Task AnEntryListedTwiceWithTwoTextsIsNotUpdatedBackAndForthAtEveryPoll()
    {
        var host = await StartAsync();
        Rss.Item[] twice = [new("a1", "Harbour news"), new("a1", "Harbour news, corrected")];
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", twice));
        await host.PollAsync();
        _time.Advance(TimeSpan.FromMinutes(10));
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", [new("a2", "Weather"), .. twice])); // a new document, not a 304
        var (reports, _) = await host.PollAsync();

        Assert.Equal((1, 0), (reports.Single(r => r.Feed == "Alpha").NewEntries, reports.Single(r => r.Feed == "Alpha").UpdatedEntries));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT revision FROM entries WHERE guid = 'a1'"));
        Assert.Equal("Harbour news, corrected", await ScalarAsync<string>("SELECT title FROM entries WHERE guid = 'a1'"));
    }

    [Fact]
    public async Task AnEntryAlreadyAlertedThatChangesIsNotAlertedAgain()
    {
        var host = await StartAsync();
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Sevastopol harbour fire")));
        await host.PollAsync();
        _time.Advance(TimeSpan.FromMinutes(10));
        _feeds.Serve("/Alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Sevastopol harbour fire: death toll rises to 4", "Four killed.")));
        var (reports, _) = await host.PollAsync();

        Assert.Equal(1, reports.Single(r => r.Feed == "Alpha").UpdatedEntries);
        Assert.Equal("Sevastopol harbour fire", Assert.Single(Hooks())["entry"]!["title"]!.GetValue<string>());
        Assert.Equal("Sevastopol harbour fire: death toll rises to 4", await ScalarAsync<string>("SELECT title FROM entries"));
    }
}
