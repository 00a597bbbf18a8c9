using System.Text.Json;
using Aggregator.Health;
using Aggregator.Monitoring;
using Aggregator.Parsing;
using Aggregator.Refreshing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Health;

/// <summary>/healthz on PostgreSQL, served by Kestrel on loopback on a fake clock: the node's view of the cluster. Three
/// nodes share one real database (each a <see cref="PostgresDatabase"/> of its own, so each has its own node id): this
/// one, a peer, and one that stopped. What the cluster promises hangs on the states shown: a node is dead a lease after
/// its last heartbeat, when its claims become anybody's.</summary>
public sealed class HealthServerClusterTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly AggregatorMetrics _metrics = new(export: true);
    private readonly HttpClient _http = new();
    private readonly List<Database> _databases = [];
    private Database _self = null!, _peer = null!, _stopped = null!;
    private HealthServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        foreach (var _ in Enumerable.Range(0, 3)) _databases.Add(new PostgresDatabase(connectionString));
        (_self, _peer, _stopped) = (_databases[0], _databases[1], _databases[2]);
        await _self.MigrateAsync(TestContext.Current.CancellationToken);
        var cluster = Options.Create(new ClusterOptions { Lease = TimeSpan.FromMinutes(2) });
        _server = new HealthServer(new HealthCheck(_self, _metrics, _time, cluster), _metrics,
            Options.Create(new HealthOptions { Enabled = true, Url = "http://127.0.0.1:0" }),
            Options.Create(new PollingOptions { Tick = TimeSpan.FromSeconds(30) }), NullLogger<HealthServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.StopAsync(CancellationToken.None);
        await _server.DisposeAsync();
        foreach (var database in _databases) database.Dispose();
    }

    [Fact]
    public async Task HealthzNamesThisNodeAndShowsEachNodeAliveDeadOrStoppedWithItsLastHoursWork()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = _time.GetUtcNow();
        var feeds = new FeedStore(_self);
        await feeds.SyncAsync([.. Enumerable.Range(0, 4).Select(i => new FeedDefinition($"f{i}", new Uri($"https://example.org/{i}"), null, []))], now - TimeSpan.FromHours(3), ct);
        var ids = (await feeds.GetAllAsync(ct)).Select(f => f.Id).ToArray();

        // The stopped node ran three hours ago; the peer beat a minute ago; this node beats now.
        await new NodeStore(_stopped).HeartbeatAsync(now - TimeSpan.FromHours(3), ct);
        await new NodeStore(_stopped).StoppedAsync(now - TimeSpan.FromHours(3), ct);
        await new NodeStore(_peer).HeartbeatAsync(now - TimeSpan.FromMinutes(1), ct);
        await new NodeStore(_self).HeartbeatAsync(now, ct);

        // The last hour's work: this node polled two feeds in it (and one two hours ago, which does not count) and
        // delivered one alert; the peer polled one feed.
        await CheckAsync(_self, ids[0], now - TimeSpan.FromMinutes(5));
        await CheckAsync(_self, ids[1], now - TimeSpan.FromMinutes(50));
        await CheckAsync(_self, ids[2], now - TimeSpan.FromHours(2));
        await CheckAsync(_peer, ids[3], now - TimeSpan.FromMinutes(2));
        await DeliverOneAlertAsync(ids[0], now - TimeSpan.FromMinutes(4), ct);

        var body = await HealthzAsync(ct);
        Assert.Equal(1, body.GetProperty("outbox").GetProperty("pending").GetInt64());
        Assert.Equal(now - TimeSpan.FromMinutes(4), body.GetProperty("outbox").GetProperty("oldestPending").GetDateTimeOffset());
        Assert.Equal(4, body.GetProperty("feeds").GetProperty("ok").GetInt64()); // read on PostgreSQL too (its enabled is a boolean)
        var cluster = body.GetProperty("cluster");
        Assert.Equal(_self.Node.Id, cluster.GetProperty("node").GetString());
        var nodes = Nodes(cluster);
        Assert.Equal(3, nodes.Count);
        Assert.Equal(("alive", 2, 1), nodes[_self.Node.Id]);
        Assert.Equal(("alive", 1, 0), nodes[_peer.Node.Id]);
        Assert.Equal(("stopped", 0, 0), nodes[_stopped.Node.Id]);
        var peer = cluster.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == _peer.Node.Id);
        Assert.Equal(_peer.Node.Host, peer.GetProperty("host").GetString());
        Assert.Equal(now - TimeSpan.FromMinutes(1), peer.GetProperty("lastHeartbeat").GetDateTimeOffset());

        // Two minutes on, this node has beaten again and the peer has not: past its lease, it is dead.
        _time.Advance(TimeSpan.FromMinutes(2));
        await new NodeStore(_self).HeartbeatAsync(_time.GetUtcNow(), ct);
        nodes = Nodes((await HealthzAsync(ct)).GetProperty("cluster"));
        Assert.Equal("alive", nodes[_self.Node.Id].State);
        Assert.Equal("dead", nodes[_peer.Node.Id].State);
    }

    private async Task<JsonElement> HealthzAsync(CancellationToken ct)
    {
        var response = await _http.GetAsync(new Uri(_server.Address!, "/healthz"), ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
    }

    private static Dictionary<string, (string State, long FeedsPolled, long AlertsSent)> Nodes(JsonElement cluster) =>
        cluster.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!,
            n => (n.GetProperty("state").GetString()!, n.GetProperty("feedsPolledLastHour").GetInt64(), n.GetProperty("alertsSentLastHour").GetInt64()));

    /// <summary>A poll of the feed by the node of <paramref name="node"/>, as the refresher records it.</summary>
    private static async Task CheckAsync(Database node, long feedId, DateTimeOffset at)
    {
        await using var write = await node.BeginWriteAsync();
        await FeedStore.RecordCheckAsync(write, new FeedCheck { FeedId = feedId, CheckedAt = at, NextCheckAt = at + TimeSpan.FromHours(1), Succeeded = true, Status = 200 });
        await write.CommitAsync();
    }

    /// <summary>Two alerts queued at <paramref name="at"/>: the first delivered then by this node, the second pending.</summary>
    private async Task DeliverOneAlertAsync(long feedId, DateTimeOffset at, CancellationToken ct)
    {
        await using (var write = await _self.BeginWriteAsync(ct))
        {
            foreach (var id in new[] { "1", "2" })
            {
                var entryId = await EntryStore.InsertAsync(write, feedId, EntryStore.Encode("id:" + id, new ParsedEntry { Id = id, Title = "Sanctions " + id }, at, storeHtml: false));
                var matchId = await new MatchStore(_self).InsertAsync(write, entryId!.Value, "sanctions", ["sanctions"], at);
                await new OutboxStore(_self).InsertAsync(write, "delivery-" + id, matchId!.Value, "email", "{}", at, at, null);
            }
            await write.CommitAsync(ct);
        }
        await new OutboxStore(_self).MarkDeliveredAsync(["delivery-1"], at, ct);
    }
}
