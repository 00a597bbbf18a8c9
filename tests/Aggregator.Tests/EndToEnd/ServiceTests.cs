using System.Diagnostics;
using System.Text.Json.Nodes;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`aggregator run` as a background service: polls on its schedule, alerts, and stops cleanly on SIGTERM.</summary>
public sealed class ServiceTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;

    public async ValueTask InitializeAsync()
    {
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task TheServicePollsOnScheduleAlertsOnNewEntriesAndStopsGracefullyOnSigterm()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        _root.WriteSettings(
            notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url.ToString() } },
            aggregator: new JsonObject
            {
                ["Polling"] = new JsonObject { ["Interval"] = "00:00:01", ["MinInterval"] = "00:00:01", ["Tick"] = "00:00:01" },
                ["Delivery"] = new JsonObject { ["Tick"] = "00:00:01" },
            });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("old", "Hezbollah, last year")));

        using var process = Process.Start(AggregatorProcess.StartInfo(_root.Path, "run"))!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await WaitUntilAsync(async () => await EntriesAsync() == 1, "the backlog to be stored");
            _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("new", "Hezbollah today"), new Rss.Item("old", "Hezbollah, last year")));
            var hook = Assert.Single(await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20)));
            Assert.Equal("new", JsonNode.Parse(hook.BodyText)!["entry"]!["id"]!.GetValue<string>());

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.DoesNotContain("fail:", await stderr);
            Assert.Single(_webhook.Requests);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            _ = await stdout;
        }
    }

    [Fact]
    public async Task RulesReloadWhileTheServiceRunsAndABrokenEditKeepsTheLastGoodRules()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        _root.WriteSettings(
            notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url.ToString() } },
            aggregator: new JsonObject
            {
                ["Polling"] = new JsonObject { ["Interval"] = "00:00:01", ["MinInterval"] = "00:00:01", ["Tick"] = "00:00:01" },
                ["Delivery"] = new JsonObject { ["Tick"] = "00:00:01" },
            });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "hezbollah", "query": "Hezbollah" } ] }""");
        var items = new List<Rss.Item> { new("old", "Hezbollah, last year") };
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", [.. items]));

        using var process = Process.Start(AggregatorProcess.StartInfo(_root.Path, "run"))!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await WaitUntilAsync(async () => await EntriesAsync() == 1, "the backlog to be stored");

            // A broken edit: the old rule stays in force.
            _root.WriteRules("""{ "rules": [ { "name": "broken", "query": "(sanctions" } ] }""");
            await Task.Delay(1500, TestContext.Current.CancellationToken);
            items.Insert(0, new("n1", "Hezbollah today"));
            _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", [.. items]));
            var first = await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(20));
            Assert.Equal("hezbollah", JsonNode.Parse(first[0].BodyText)!["rule"]!.GetValue<string>());

            // A good edit takes effect without a restart.
            _root.WriteRules("""{ "rules": [ { "name": "sanctions", "query": "sanctions" } ] }""");
            await Task.Delay(1500, TestContext.Current.CancellationToken);
            items.Insert(0, new("n2", "New sanctions, Hezbollah again"));
            _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", [.. items]));
            var both = await _webhook.WaitForRequestsAsync(2, TimeSpan.FromSeconds(20));
            Assert.Equal("sanctions", JsonNode.Parse(both[1].BodyText)!["rule"]!.GetValue<string>());
            Assert.Equal(2, both.Count);
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
            _ = await stdout;
        }
        var log = await stderr;
        Assert.Contains("keeping the last good configuration", log);
        Assert.Contains("missing ')' for the '(' at column 1", log);
        Assert.Contains("config/ reloaded: 1 feeds, 1 rules", log);
    }

    private async Task<long> EntriesAsync()
    {
        if (!File.Exists(_root.DatabasePath)) return 0;
        try
        {
            await using var connection = new SqliteConnection($"Data Source={_root.DatabasePath};Mode=ReadOnly");
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries");
        }
        catch (SqliteException)
        {
            return 0; // not migrated yet
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 30 s for {what}");
            await Task.Delay(200);
        }
    }
}
