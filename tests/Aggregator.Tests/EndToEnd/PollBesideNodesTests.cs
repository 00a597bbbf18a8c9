using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`aggregator poll` run beside the nodes of a PostgreSQL cluster keeps their claims: a feed a node is polling
/// and an alert a node is sending (or that a dead node held) are left to that node until its lease ends, and `poll`
/// says so, instead of requesting the feed or sending the alert a second time.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PollBesideNodesTests : IAsyncLifetime
{
    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(StorageProvider.Postgres);
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
        _root.WriteSettings(notifiers: new JsonObject { ["hook"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url } });
        _root.WriteFeeds($$"""
            { "feeds": [
              { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" },
              { "name": "Beta",  "url": "{{_feeds.Url("/beta.xml")}}" }
            ] }
            """);
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah", "limit": "none" } ] }""");
    }

    public async ValueTask DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private int Requests(string path) => _feeds.Requests.Count(r => r.Path == path);

    private List<(string Entry, string Delivery)> Received() =>
        [.. _webhook.Requests.Select(r => (r.Json().GetProperty("entry").GetProperty("id").GetString()!, r.Header("X-Aggregator-Delivery")!))];

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _root.OpenDatabaseAsync();
        await connection.ExecuteAsync(sql);
    }

    [Fact]
    public async Task AFeedOrAnAlertThatAnotherNodeHoldsIsLeftToItUntilItsLeaseEnds()
    {
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a0", "Hezbollah backlog")));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", new Rss.Item("b0", "Hezbollah backlog")));
        Assert.Equal(0, (await AggregatorProcess.RunAsync(_root.Path, "poll")).ExitCode); // first poll: backlog, no alert
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Hezbollah statement"), new Rss.Item("a0", "Hezbollah backlog")));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Hezbollah visit"), new Rss.Item("b0", "Hezbollah backlog")));

        // Another node is polling Beta right now.
        await ExecuteAsync("UPDATE feeds SET claimed_by = 'node-b', claim_until = now() + interval '1 hour' WHERE name = 'Beta'");
        var betaBefore = Requests("/beta.xml");
        var first = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("busy  Beta", first.StdOut);
        Assert.Contains("being polled by another node right now; left to it", first.StdOut);
        Assert.Contains("2 feeds: 1 read (0 not modified), 0 failed, 1 left to the nodes polling them;", first.StdOut);
        Assert.Equal(betaBefore, Requests("/beta.xml"));
        var alpha = Assert.Single(Received());
        Assert.Equal("a1", alpha.Entry);

        // That node now holds Alpha's alert too, as one does between claiming a delivery and recording it (or dying).
        await ExecuteAsync("""
            UPDATE outbox SET status = 'pending', delivered_at = NULL, claimed_by = 'node-b', claim_until = now() + interval '1 hour'
            """);
        var second = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(0, second.ExitCode);
        Assert.Matches(@"delivered 0, retrying 0, dead-lettered 0; 1 due alerts claimed by other nodes until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ at the latest", second.StdOut);
        Assert.Single(Received());

        // Its lease ends (it died): the next poll takes both over. The alert goes out again under its delivery id.
        await ExecuteAsync("UPDATE feeds SET claim_until = now() - interval '1 second' WHERE claimed_by = 'node-b'");
        await ExecuteAsync("UPDATE outbox SET claim_until = now() - interval '1 second' WHERE claimed_by = 'node-b'");
        var third = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(0, third.ExitCode);
        Assert.DoesNotContain("busy", third.StdOut);
        Assert.DoesNotContain("claimed by other nodes", third.StdOut);
        Assert.Equal(betaBefore + 1, Requests("/beta.xml"));
        var received = Received();
        Assert.Equal(["a1", "a1", "b1"], received.Select(r => r.Entry).Order());
        Assert.Single(received.Where(r => r.Entry == "a1").Select(r => r.Delivery).Distinct());

        await using var connection = await _root.OpenDatabaseAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM feeds WHERE claimed_by IS NOT NULL"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE status <> 'delivered'"));
    }
}
