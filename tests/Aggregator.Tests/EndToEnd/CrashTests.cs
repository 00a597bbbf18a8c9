using System.Diagnostics;
using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.EndToEnd;

/// <summary>The service killed with SIGKILL while it polls and delivers, again and again: no alert is lost,
/// none is invented, and a repeat is only the in-flight resend of a delivery cut by a kill (same delivery id).</summary>
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
            });
        _root.WriteFeeds($$"""{ "feeds": [ {{string.Join(",", Enumerable.Range(0, FeedCount).Select(i => $$"""{ "name": "f{{i}}", "url": "{{_feeds.Url($"/f{i}.xml")}}" }"""))}} ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");
        for (var i = 0; i < FeedCount; i++) _feeds.Serve($"/f{i}.xml", Rss.Feed($"f{i}", new Rss.Item($"f{i}-old", "Hezbollah backlog")));
        Assert.Equal(0, (await AggregatorProcess.RunAsync(_root.Path, "poll")).ExitCode);

        // Each round publishes one new item per feed, starts the service and kills it at a random moment:
        // during start-up, a poll or a delivery. Feeds keep every item: a round may end before its poll.
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
            using var service = Process.Start(AggregatorProcess.StartInfo(_root.Path, "run"))!;
            _ = service.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            _ = service.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await Task.Delay(random.Next(300, 1500), TestContext.Current.CancellationToken);
            if (!service.HasExited)
            {
                service.Kill(); // SIGKILL: no shutdown code runs
                kills++;
            }
            await service.WaitForExitAsync(TestContext.Current.CancellationToken);
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
        Assert.True(kills >= 20, $"only {kills} kills: the service exited on its own");

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
