using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`aggregator run` as a background service: polls on its schedule, alerts, and stops cleanly on SIGTERM.</summary>
[Trait("Category", "EndToEnd")]
public abstract class ServiceTests(StorageProvider provider) : IAsyncLifetime
{
    /// <summary>These tests on a SQLite file, and what only SQLite does: one service per database file (the delivery
    /// lock); on PostgreSQL several run and share the work (ClusterTests).</summary>
    public sealed class OnSqlite() : ServiceTests(StorageProvider.Sqlite)
    {
        [Fact]
        public Task ASecondServiceOnTheSameDatabaseExitsWithAMessageWhileTheFirstKeepsRunning() =>
            ASecondServiceOnTheSameDatabaseExitsWithAMessageWhileTheFirstKeepsRunningAsync();

        [Fact]
        public Task APollBesideTheRunningServiceLeavesTheSendingToItAndTheAlertArrivesOnce() =>
            APollBesideTheRunningServiceLeavesTheSendingToItAndTheAlertArrivesOnceAsync();
    }

    /// <summary>These tests on a PostgreSQL database of their own.</summary>
    public sealed class OnPostgres() : ServiceTests(StorageProvider.Postgres);

    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private void Configure()
    {
        _root.WriteSettings(
            notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url.ToString() } },
            aggregator: new JsonObject
            {
                ["Polling"] = new JsonObject { ["Interval"] = "1s", ["MinInterval"] = "1s", ["Tick"] = "1s" },
                ["Delivery"] = new JsonObject { ["Tick"] = "1s" },
            });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
    }

    [Fact]
    public async Task TheServicePollsOnScheduleAlertsOnNewEntriesAndStopsGracefullyOnSigterm()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        Configure();
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("old", "Hezbollah, last year")));

        await using var service = ServiceProcess.Start(_root.Path);
        await service.WaitForLogAsync("1 entries, 1 new");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("new", "Hezbollah today"), new Rss.Item("old", "Hezbollah, last year")));
        var hook = Assert.Single(await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal("new", JsonNode.Parse(hook.BodyText)!["entry"]!["id"]!.GetValue<string>());

        Assert.Equal(0, await service.StopAsync());
        Assert.DoesNotContain("fail:", service.Log);
        Assert.Contains("Aggregator stopped", service.Log);
        Assert.Single(_webhook.Requests);
    }

    [Fact]
    public async Task RulesReloadWhileTheServiceRunsAndABrokenEditKeepsTheLastGoodRules()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        Configure();
        _root.WriteRules("""{ "rules": [ { "name": "hezbollah", "query": "Hezbollah" } ] }""");
        var items = new List<Rss.Item> { new("old", "Hezbollah, last year") };
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", [.. items]));

        await using var service = ServiceProcess.Start(_root.Path);
        var seen = await service.WaitForLogAsync("1 entries, 1 new");

        // A broken edit: the old rule stays in force.
        _root.WriteRules("""{ "rules": [ { "name": "broken", "query": "(sanctions" } ] }""");
        seen = await service.WaitForLogAsync("keeping the last good configuration", seen);
        items.Insert(0, new("n1", "Hezbollah today"));
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", [.. items]));
        var first = await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        Assert.Equal("hezbollah", JsonNode.Parse(first[0].BodyText)!["rule"]!.GetValue<string>());

        // A good edit takes effect without a restart.
        _root.WriteRules("""{ "rules": [ { "name": "sanctions", "query": "sanctions" } ] }""");
        await service.WaitForLogAsync("config/ reloaded: 1 feeds, 1 rules", seen);
        items.Insert(0, new("n2", "New sanctions, Hezbollah again"));
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", [.. items]));
        var both = await _webhook.WaitForRequestsAsync(2, TimeSpan.FromSeconds(30));
        Assert.Equal("sanctions", JsonNode.Parse(both[1].BodyText)!["rule"]!.GetValue<string>());
        Assert.Equal(2, both.Count);

        Assert.Equal(0, await service.StopAsync());
        Assert.Contains("missing ')' for the '(' at column 1", service.Log);
    }

    [Theory]
    [InlineData("feeds.json", """{ "feeds": [ { "name": "Alpha", "url": "URL", "interval": "99999999999d" } ] }""", "\"interval\" must be")]
    [InlineData("feeds.json", """{ "feeds": [ { "name": "Alpha", "url": "URL", "interval": "1e308d" } ] }""", "\"interval\" must be")]
    [InlineData("feeds.json", """{ "feeds": [ { "name": "Alpha", "url": "URL", "interval": "Infinitys" } ] }""", "\"interval\" must be")]
    [InlineData("rules.json", """{ "rules": [ { "name": "r", "query": "Hezbollah", "digest": "NaNh" } ] }""", "\"digest\" must be")]
    [InlineData("rules.json", """{ "rules": [ { "name": "r", "query": "Hezbollah" } """, "not valid JSON")]
    [InlineData("rules.json", """{ "rules": [ { "name": "r", "query": "DEEPHezbollah" } ] }""", "parentheses nested deeper than 64")]
    public async Task AnAbsurdValueInAHotReloadIsRefusedAndTheServiceKeepsRunning(string file, string content, string message)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        Configure();
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("old", "Hezbollah, last year")));

        await using var service = ServiceProcess.Start(_root.Path);
        var seen = await service.WaitForLogAsync("1 entries, 1 new");
        File.WriteAllText(Path.Combine(_root.Path, "config", file), content.Replace("URL", _feeds.Url("/alpha.xml").ToString())
            .Replace("DEEP", new string('(', 8_000), StringComparison.Ordinal));
        seen = await service.WaitForLogAsync("keeping the last good configuration", seen);
        Assert.Contains(message, service.Log);

        // Still polling and alerting with the last good configuration.
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("new", "Hezbollah today"), new Rss.Item("old", "Hezbollah, last year")));
        Assert.Single(await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30)));
        Assert.False(service.HasExited);
        Assert.Equal(0, await service.StopAsync());
    }

    protected async Task ASecondServiceOnTheSameDatabaseExitsWithAMessageWhileTheFirstKeepsRunningAsync()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        Configure();
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("old", "Hezbollah, last year")));

        await using var first = ServiceProcess.Start(_root.Path);
        await first.WaitForLogAsync("Aggregator running");
        var second = await AggregatorProcess.RunAsync(_root.Path, "run");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"Another aggregator service is already running on {_root.DatabasePath}", second.StdErr);
        Assert.DoesNotContain("Exception", second.StdErr);

        // The first one still polls and alerts. Its first poll must have read the feed before the new item comes: a
        // first poll stores what it finds as backlog without alerting, which a loaded machine made happen here.
        await first.WaitForLogAsync("1 entries, 1 new");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("new", "Hezbollah today"), new Rss.Item("old", "Hezbollah, last year")));
        Assert.Single(await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(60)));
        Assert.False(first.HasExited);
        Assert.Equal(0, await first.StopAsync());
    }

    protected async Task APollBesideTheRunningServiceLeavesTheSendingToItAndTheAlertArrivesOnceAsync()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        // The service polls at start and then not for an hour; it delivers every second.
        _root.WriteSettings(
            notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url.ToString() } },
            aggregator: new JsonObject
            {
                ["Polling"] = new JsonObject { ["Interval"] = "1h", ["Tick"] = "1h" },
                ["Delivery"] = new JsonObject { ["Tick"] = "1s" },
            });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("old", "Hezbollah, last year")));

        await using var service = ServiceProcess.Start(_root.Path);
        var seen = await service.WaitForLogAsync("1 entries, 1 new");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("new", "Hezbollah today"), new Rss.Item("old", "Hezbollah, last year")));

        var poll = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(0, poll.ExitCode);
        Assert.Contains("1 alerts queued; delivery left to the aggregator process already delivering from this database", poll.StdOut);
        await service.WaitForLogAsync("via ops: delivered", seen); // the service sent it
        Assert.Equal(0, await service.StopAsync());
        var hook = Assert.Single(_webhook.Requests);
        Assert.Equal("new", JsonNode.Parse(hook.BodyText)!["entry"]!["id"]!.GetValue<string>());
    }
}
