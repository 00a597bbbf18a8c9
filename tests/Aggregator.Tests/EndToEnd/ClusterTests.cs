using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.EndToEnd;

/// <summary>Three `aggregator run` nodes on one PostgreSQL database sharing 2,000 feeds: each feed is requested once in its
/// interval, each alert reaches the webhook and the mailbox once; a node killed with SIGKILL in the middle of a cycle and
/// of a delivery hands its feeds and deliveries to the others within a lease, and nothing is lost nor sent again under a
/// new delivery id. Waits on what the servers received and what the database holds, never on the clock.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ClusterTests : IAsyncLifetime
{
    private const int FeedCount = 2000;
    private const int MaxConcurrency = 8;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;
    private SmtpServer _smtp = null!;
    private readonly List<ServiceProcess> _nodes = [];
    private readonly HashSet<ServiceProcess> _killed = [];

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(StorageProvider.Postgres);
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
        _smtp = await SmtpServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await _smtp.DisposeAsync();
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    /// <summary>Round r of feed i: one new item; every tenth feed's mentions Hezbollah, which the rule alerts on.</summary>
    private void Publish(int round)
    {
        for (var i = 0; i < FeedCount; i++)
        {
            var items = Enumerable.Range(0, round + 1).Reverse()
                .Select(r => new Rss.Item($"f{i}-{r}", i % 10 == 0 ? $"Hezbollah news {i}.{r}" : $"Weather {i}.{r}")).ToArray();
            _feeds.Serve($"/f{i}.xml", Rss.Feed($"f{i}", items));
        }
    }

    private static HashSet<string> Expected(int round) =>
        [.. Enumerable.Range(0, FeedCount).Where(i => i % 10 == 0).Select(i => $"f{i}-{round}")];

    [Fact]
    public async Task ThreeNodesShareTheFeedsAndAKilledNodesWorkIsTakenOverWithinTheLeaseWithNothingLostOrSentTwice()
    {
        _root.WriteSettings(
            notifiers: new JsonObject
            {
                ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url, ["Timeout"] = "5s" },
                ["email"] = new JsonObject
                {
                    ["Type"] = "smtp", ["Host"] = _smtp.Host, ["Port"] = _smtp.Port, ["Security"] = "none", ["Timeout"] = "5s",
                    ["From"] = "a@example.test", ["To"] = new JsonArray("b@example.test"),
                },
            },
            aggregator: new JsonObject
            {
                ["Polling"] = new JsonObject
                {
                    ["Interval"] = "1h", ["Tick"] = "1s", ["MaxConcurrency"] = MaxConcurrency, ["MaxConcurrencyPerHost"] = MaxConcurrency,
                    ["AlertOnFirstPoll"] = true,
                },
                ["Delivery"] = new JsonObject { ["Tick"] = "1s" },
                ["Cluster"] = new JsonObject { ["Heartbeat"] = "1s", ["Lease"] = $"{Lease.TotalSeconds}s" },
            });
        _root.WriteFeeds(System.Text.Json.JsonSerializer.Serialize(new
        {
            feeds = Enumerable.Range(0, FeedCount).Select(i => new { name = $"f{i}", url = _feeds.Url($"/f{i}.xml").ToString() }),
        }));
        // Every alert one by one, as the test counts them: the default flood guard (20/h) would hold most for a digest.
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah", "limit": "none" } ] }""");
        Publish(0);

        // Round 0: three nodes, every feed read once, every alert sent once by each notifier.
        for (var n = 0; n < 3; n++) _nodes.Add(ServiceProcess.Start(_root.Path));
        var ids = new List<string>();
        foreach (var node in _nodes)
        {
            await node.WaitForLogAsync("Aggregator running as node", timeout: Patience);
            ids.Add(NodeId(node.Log));
        }
        await UntilAsync("every feed read", async () => await _root.CountAsync("SELECT count(*) FROM feeds WHERE last_success_at IS NOT NULL") == FeedCount);
        await UntilAsync("every alert delivered", async () => await _root.CountAsync("SELECT count(*) FROM outbox WHERE status = 'delivered'") == 2 * Expected(0).Count);
        Assert.All(_feeds.Requests.GroupBy(r => r.Path), g => Assert.Single(g)); // no feed twice within its interval
        AssertDeliveredOnce(Expected(0), resent: null);
        var polledBy = (await QueryAsync<string>("SELECT DISTINCT last_checked_by FROM feeds")).ToHashSet();
        Assert.True(polledBy.Count >= 2, $"the feeds were polled by {polledBy.Count} node(s) of 3");
        var status = await AggregatorProcess.RunAsync(_root.Path, "status");
        foreach (var id in ids) Assert.Contains(id, status.StdOut);

        // Round 1: every feed has a new item and is due again. The first webhook of the round never gets its answer:
        // the node sending it is killed a third of the way into the cycle, holding that delivery and its next feeds.
        var before = _feeds.Requests.Count;
        _webhook.Enqueue(ScriptedResponse.Hanging);
        Publish(1);
        await using (var connection = await _root.OpenDatabaseAsync())
            await connection.ExecuteAsync("UPDATE feeds SET next_check_at = now()");
        await UntilAsync("a delivery in flight and a third of the cycle polled",
            () => Task.FromResult(_webhook.Requests.Count > Expected(0).Count && _feeds.Requests.Count - before >= FeedCount / 3));
        var hung = _webhook.Requests[Expected(0).Count];
        var hungDelivery = hung.Header("X-Aggregator-Delivery")!;
        var victim = await QuerySingleAsync<string?>("SELECT claimed_by FROM outbox WHERE id = @Id", new { Id = hungDelivery })
            ?? throw new InvalidOperationException($"nobody holds the claim on delivery {hungDelivery}, which is in flight");
        var victimProcess = _nodes[ids.IndexOf(victim)];
        _killed.Add(victimProcess);
        await victimProcess.KillAsync();
        // What it held when it died: claims that run out at their claim_until; until then no other node may take them.
        var orphanFeeds = await QueryAsync<(long Id, string Url, DateTimeOffset ClaimUntil)>(
            "SELECT id, url, claim_until FROM feeds WHERE claimed_by = @Victim", new { Victim = victim });
        var orphanRows = await QueryAsync<(string Id, DateTimeOffset ClaimUntil)>(
            "SELECT id, claim_until FROM outbox WHERE claimed_by = @Victim AND status = 'pending'", new { Victim = victim });
        Assert.NotEmpty(orphanFeeds);
        Assert.Contains(hungDelivery, orphanRows.Select(r => r.Id));

        await UntilAsync("every feed read again", async () => await _root.CountAsync("SELECT count(*) FROM entries") == 2 * FeedCount);
        await UntilAsync("every alert of round 1 delivered", async () =>
            await _root.CountAsync("SELECT count(*) FROM outbox WHERE status = 'delivered'") == 2 * (Expected(0).Count + Expected(1).Count));

        // Nothing lost, nothing doubled in the database: every entry once, every alert queued once per notifier.
        Assert.Equal(2 * FeedCount, await _root.CountAsync("SELECT count(DISTINCT guid) FROM entries"));
        Assert.Equal(2 * (Expected(0).Count + Expected(1).Count), await _root.CountAsync("SELECT count(*) FROM outbox"));
        Assert.Equal(0, await _root.CountAsync("SELECT count(*) FROM feeds WHERE claimed_by IS NOT NULL OR next_check_at <= now()"));

        // The dead node's feeds and deliveries went to the others after its lease ended, and within one more lease.
        var feedsTaken = await QueryAsync<(long Id, string By, DateTimeOffset At)>(
            "SELECT id, last_checked_by, last_checked_at FROM feeds WHERE id = ANY(@Ids)", new { Ids = orphanFeeds.Select(f => f.Id).ToArray() });
        var rowsTaken = await QueryAsync<(string Id, string By, DateTimeOffset At)>(
            "SELECT id, delivered_by, delivered_at FROM outbox WHERE id = ANY(@Ids)", new { Ids = orphanRows.Select(r => r.Id).ToArray() });
        var leaseEnds = orphanFeeds.ToDictionary(f => f.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), f => f.ClaimUntil)
            .Concat(orphanRows.ToDictionary(r => r.Id, r => r.ClaimUntil)).ToDictionary();
        var taken = feedsTaken.Select(f => (Key: f.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), f.By, f.At))
            .Concat(rowsTaken.Select(r => (Key: r.Id, r.By, r.At))).ToList();
        Assert.All(taken, t => Assert.NotEqual(victim, t.By));
        Assert.All(taken, t => Assert.True(t.At >= leaseEnds[t.Key], $"{t.Key} was taken over at {t.At:O}, before its lease ended at {leaseEnds[t.Key]:O}"));
        var latest = taken.Max(t => t.At - leaseEnds[t.Key]);
        Assert.True(latest < Lease, $"the dead node's work was taken over up to {latest.TotalSeconds:0.0} s after its lease ended (lease {Lease.TotalSeconds} s)");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"killed {victim} holding {orphanFeeds.Count} feeds and {orphanRows.Count} deliveries; all taken over at most {latest.TotalSeconds:0.0} s after the lease ended");

        // Requested twice in the interval: only the feeds whose poll the dead node had started and not written.
        var doubled = _feeds.Requests.Skip(before).GroupBy(r => r.Path).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var orphanPaths = orphanFeeds.Select(f => new Uri(f.Url).AbsolutePath).ToHashSet();
        Assert.All(doubled, path => Assert.Contains(path, orphanPaths));
        Assert.True(doubled.Count <= MaxConcurrency, $"{doubled.Count} feeds requested twice in one interval; at most {MaxConcurrency} polls were in flight");
        // Every alert of both rounds reached each notifier under one delivery id; the only repeat is the webhook the
        // dead node sent and never heard back about, resent by another node with the SAME delivery id.
        AssertDeliveredOnce([.. Expected(0), .. Expected(1)], resent: hung.Json().GetProperty("entry").GetProperty("id").GetString());
    }

    /// <param name="resent">The entry whose webhook went out twice (the first send's answer never came back).</param>
    private void AssertDeliveredOnce(HashSet<string> expected, string? resent)
    {
        var hooks = _webhook.Requests.GroupBy(r => r.Json().GetProperty("entry").GetProperty("id").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Header("X-Aggregator-Delivery")!).ToList());
        Assert.Equal(expected.Order(), hooks.Keys.Order());
        Assert.All(hooks, pair => Assert.Single(pair.Value.Distinct())); // one delivery id per alert
        Assert.All(hooks, pair => Assert.Equal(pair.Key == resent ? 2 : 1, pair.Value.Count));

        var byEntry = _smtp.Messages.GroupBy(m => m.Headers["X-Aggregator-Entry-Id"]!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.Order(), byEntry.Keys.Order());
        Assert.All(byEntry, pair => Assert.Equal(1, pair.Value));
    }

    private static string NodeId(string log)
    {
        const string marker = "Aggregator running as node ";
        var line = log.Split('\n').First(l => l.Contains(marker, StringComparison.Ordinal));
        var start = line.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return line[start..line.IndexOf(':', start)];
    }

    private async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await _root.OpenDatabaseAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    private async Task<T?> QuerySingleAsync<T>(string sql, object parameters)
    {
        await using var connection = await _root.OpenDatabaseAsync();
        return await connection.QuerySingleOrDefaultAsync<T>(sql, parameters);
    }

    /// <summary>Waits until the condition holds (checked every 100 ms), or fails naming what did not happen.</summary>
    private Task UntilAsync(string what, Func<Task<bool>> condition) =>
        Eventually.TrueAsync(() =>
            {
                foreach (var node in _nodes.Where(n => n.HasExited && !_killed.Contains(n)))
                    throw new InvalidOperationException($"a node exited on its own:\n{node.Log}");
                return condition();
            },
            () => $"not within {Patience.TotalMinutes} minutes: {what}; nodes' logs:\n{string.Join("\n---\n", _nodes.Select(n => n.Log[^Math.Min(3000, n.Log.Length)..]))}",
            Patience, TimeSpan.FromMilliseconds(100));
}
