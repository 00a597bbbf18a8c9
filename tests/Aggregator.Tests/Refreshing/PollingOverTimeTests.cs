using System.Text.Json.Nodes;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Refreshing;

/// <summary>When feeds are polled, through the whole application on a fake clock (<see cref="TestHost"/>).</summary>
public sealed class PollingOverTimeTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private FeedServer _feeds = null!;

    public async ValueTask InitializeAsync() => _feeds = await FeedServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task AFailureTheDatabaseRefusesToRecordHoldsTheFeedBackUntilItsNextPollAndTheLogSaysWhenInIsoUtc()
    {
        _root.WriteSettings(aggregator: new JsonObject());
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Broken", "url": "{{_feeds.Url("/broken.xml")}}" } ] }""");
        _root.WriteRules("""{ "rules": [] }""");
        _feeds.Handle("/broken.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });
        await using var host = await TestHost.StartAsync(_root.Path, _time, new FixedRandom(0));
        // The database refuses to record the poll's outcome, as a full disk would.
        await using (var connection = await host.Database.OpenAsync(TestContext.Current.CancellationToken))
            await connection.ExecuteAsync("CREATE TRIGGER refuse BEFORE UPDATE ON feeds BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");

        Assert.False(Assert.Single(await host.PollDueAsync()).Succeeded);
        // The first failure waits one interval (15 min, no jitter drawn), and the log gives that time as the database would.
        Assert.Contains(host.Log.Lines, l => l.Contains("'Broken'", StringComparison.Ordinal)
            && l.Contains("its failure could not be recorded in the database (", StringComparison.Ordinal)
            && l.EndsWith("not polled again before 2026-11-23T10:15:00Z", StringComparison.Ordinal));

        await using (var connection = await host.Database.OpenAsync(TestContext.Current.CancellationToken))
            await connection.ExecuteAsync("DROP TRIGGER refuse");
        // Its row still says it is due; the service holds it back anyway, and polls it when the wait is over.
        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Empty(await host.PollDueAsync());
        Assert.Single(_feeds.Requests);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(Assert.Single(await host.PollDueAsync()).Succeeded);
        Assert.Equal(2, _feeds.Requests.Count);
        await using (var connection = await host.Database.OpenAsync(TestContext.Current.CancellationToken))
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT error_count FROM feeds WHERE name = 'Broken'"));
    }
}
