using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.EndToEnd;

/// <summary>The service killed with SIGKILL while it polls and delivers, again and again: no alert is lost,
/// none is invented, and a repeat is only the in-flight resend of a delivery cut by a kill (same delivery id).</summary>
[Trait("Category", "EndToEnd")]
public abstract class CrashTests(StorageProvider provider) : IAsyncLifetime
{
    /// <summary>These tests on a SQLite file.</summary>
    public sealed class OnSqlite() : CrashTests(StorageProvider.Sqlite);

    /// <summary>These tests on a PostgreSQL database of their own.</summary>
    public sealed class OnPostgres() : CrashTests(StorageProvider.Postgres);

    private const int FeedCount = 10;
    private const int Rounds = 22;
    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
        // A slow receiver keeps a delivery in flight when the kill comes.
        _webhook.Default = new ScriptedResponse(200, Delay: TimeSpan.FromMilliseconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task KillingTheServiceMidPollAndMidDeliveryLosesNoAlertAndRepeatsAtMostOnePerKill()
    {
        _root.WriteSettings(
            notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url } },
            aggregator: new JsonObject
            {
                ["Polling"] = new JsonObject { ["Interval"] = "00:00:01", ["MinInterval"] = "00:00:01", ["Tick"] = "00:00:01" },
                ["Delivery"] = new JsonObject { ["Tick"] = "00:00:01" }, // MaxConcurrency stays at its default, 1
                // PostgreSQL: a killed node's claims on feeds and deliveries hold for a lease; the next round's node takes
                // them after 3 s instead of the default 2 minutes.
                ["Cluster"] = new JsonObject { ["Heartbeat"] = "1s", ["Lease"] = "3s" },
            });
        _root.WriteFeeds($$"""{ "feeds": [ {{string.Join(",", Enumerable.Range(0, FeedCount).Select(i => $$"""{ "name": "f{{i}}", "url": "{{_feeds.Url($"/f{i}.xml")}}" }"""))}} ] }""");
        // Every alert one by one, as the test counts them: the default flood guard (20/h) would hold most for a digest.
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah", "limit": "none" } ] }""");
        for (var i = 0; i < FeedCount; i++) _feeds.Serve($"/f{i}.xml", Rss.Feed($"f{i}", new Rss.Item($"f{i}-old", "Hezbollah backlog")));
        Assert.Equal(0, (await AggregatorProcess.RunAsync(_root.Path, "poll")).ExitCode);

        // Each round publishes one new item per feed, starts the service and kills it at a random point of its work:
        // after its first log line (start-up) or after the Nth feed stored or delivery made, N from 1 to 20. A round
        // has at least 20 of those (each feed stores its new item, each alert is delivered), so the kill always comes,
        // and it lands where the service is in its work, not where a timer happens to fall on this machine.
        // Feeds keep every item: a round may end before its poll.
        var random = new Random(20261124);
        var kills = 0;
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < FeedCount; i++)
            {
                var items = Enumerable.Range(0, round + 1).Reverse()
                    .Select(r => new Rss.Item($"f{i}-{r}", $"Hezbollah news {i}.{r}")).ToArray();
                _feeds.Serve($"/f{i}.xml", Rss.Feed($"f{i}", items));
            }
            await using var service = ServiceProcess.Start(_root.Path);
            var steps = random.Next(0, 21);
            var seen = await service.WaitForLogAsync(_ => true, "log anything");
            for (var step = 0; step < steps; step++)
                seen = await service.WaitForLogAsync(line => line.Contains(" new, ", StringComparison.Ordinal) || line.Contains(": delivered", StringComparison.Ordinal),
                    "store a feed or deliver an alert", seen);
            if (await service.KillAsync()) kills++; // SIGKILL: no shutdown code runs
        }
        // PostgreSQL: the last node's claims on feeds and deliveries hold for its 3 s lease after the kill, and `poll`
        // leaves what a live claim holds to its node; the clean cycle comes once they have ended.
        if (provider == StorageProvider.Postgres)
        {
            await using var claims = await _root.OpenDatabaseAsync();
            await Eventually.TrueAsync(async () => await claims.ExecuteScalarAsync<long>("""
                    SELECT (SELECT count(*) FROM feeds WHERE claim_until >= now())
                         + (SELECT count(*) FROM outbox WHERE status = 'pending' AND claim_until >= now())
                    """) == 0,
                () => "the killed node's claims should end within their 3 s lease", interval: TimeSpan.FromMilliseconds(100));
        }
        // Whatever is left is delivered by a clean cycle.
        Assert.Equal(0, (await AggregatorProcess.RunAsync(_root.Path, "poll")).ExitCode);

        var expected = Enumerable.Range(0, FeedCount).SelectMany(i => Enumerable.Range(0, Rounds).Select(r => $"f{i}-{r}")).ToHashSet();
        var byEntry = Distinct();
        Assert.Equal(expected.Order(), byEntry.Keys.Order()); // every alert, and none that was not expected
        Assert.All(byEntry, pair => Assert.Single(pair.Value)); // one delivery id per alert, whatever was resent
        var repeats = _webhook.Requests.Count - byEntry.Count;
        TestContext.Current.TestOutputHelper?.WriteLine($"{kills} kills, {expected.Count} alerts, {repeats} in-flight resends");
        Assert.True(repeats <= kills, $"{repeats} repeated deliveries after {kills} kills; at most one per kill may be in flight");
        Assert.Equal(Rounds, kills); // none exited on its own

        await using var connection = await _root.OpenDatabaseAsync();
        if (provider == StorageProvider.Sqlite) Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        Assert.Equal(FeedCount * (Rounds + 1), await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries"));
        Assert.Equal(FeedCount * Rounds, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE status = 'delivered'"));
    }

    /// <summary>Entry id → the delivery ids that carried it.</summary>
    private Dictionary<string, HashSet<string>> Distinct() =>
        _webhook.Requests.GroupBy(r => r.Json().GetProperty("entry").GetProperty("id").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Header("X-Aggregator-Delivery")!).ToHashSet());
}
