using System.Text.Json.Nodes;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`aggregator migrate --to`: a user who outgrows SQLite moves to PostgreSQL and keeps everything: entries,
/// alerts sent (not sent again), each feed's fetch state (its next poll is a conditional GET answered 304).</summary>
public sealed class MigrateTests : IAsyncLifetime
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

    private void Configure(JsonObject? storage = null)
    {
        var aggregator = new JsonObject();
        if (storage is not null) aggregator["Storage"] = storage;
        _root.WriteSettings(notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url.ToString() } }, aggregator: aggregator);
        _root.WriteFeeds($$"""
            { "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" }, { "name": "Beta", "url": "{{_feeds.Url("/beta.xml")}}" } ] }
            """);
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");
    }

    [Fact]
    public async Task ASqliteDatabaseMovesToPostgresWithItsHistoryAndNothingIsPolledInFullOrAlertedAgain()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Old news")));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Old sanctions")));
        Assert.Equal(0, (await AggregatorProcess.RunAsync(_root.Path, "poll")).ExitCode);
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a2", "Hezbollah statement", "café ☕ text"), new Rss.Item("a1", "Old news")));
        var second = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Contains("delivered 1,", second.StdOut);
        var entriesBefore = (await AggregatorProcess.RunAsync(_root.Path, "entries", "--json")).StdOut;

        var target = await PostgresServer.CreateDatabaseAsync();
        var migrate = await AggregatorProcess.RunAsync(_root.Path, "migrate", "--to", target);
        Assert.True(migrate.ExitCode == 0, migrate.StdOut + migrate.StdErr);
        Assert.Contains("feeds: 2 of 2 rows", migrate.StdOut);
        Assert.Contains("entries: 3 of 3 rows", migrate.StdOut);
        Assert.Contains("outbox_attempts: 1 of 1 rows", migrate.StdOut); // `outbox show` keeps its history

        // Copying twice would mix two histories: a database that is not empty is refused, saying why.
        var again = await AggregatorProcess.RunAsync(_root.Path, "migrate", "--to", target);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is not empty (2 feeds, 3 entries, 1 matches, 1 outbox", again.StdErr);
        Assert.Contains("copies into an empty database only", again.StdErr);

        // The same content root, now on PostgreSQL.
        Configure(new JsonObject { ["Provider"] = "postgres", ["ConnectionString"] = target });
        Assert.Equal(entriesBefore, (await AggregatorProcess.RunAsync(_root.Path, "entries", "--json")).StdOut);
        var requestsBefore = _feeds.Requests.Count;
        await using (var connection = await new ContentRootOnPostgres(target).OpenAsync())
            await connection.ExecuteAsync("UPDATE feeds SET next_check_at = '2000-01-01T00:00:00Z'");
        var onPostgres = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.True(onPostgres.ExitCode == 0, onPostgres.StdOut + onPostgres.StdErr);
        Assert.All(_feeds.Requests.Skip(requestsBefore), r => Assert.Equal(304, r.Status)); // validators came along
        Assert.Contains("delivered 0,", onPostgres.StdOut);
        Assert.Single(_webhook.Requests); // the alert sent before the move is not sent again

        // New entries go on from the copied ids, and alert once.
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", new Rss.Item("b2", "Hezbollah and sanctions"), new Rss.Item("b1", "Old sanctions")));
        Assert.Contains("delivered 1,", (await AggregatorProcess.RunAsync(_root.Path, "poll")).StdOut);
        Assert.Equal(2, _webhook.Requests.Select(r => r.Header("X-Aggregator-Delivery")).Distinct().Count());
    }

    [Fact]
    public async Task AMigrateToSomethingThatIsNotAPostgresConnectionStringSaysWhatToGive()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta"));
        var result = await AggregatorProcess.RunAsync(_root.Path, "migrate", "--to", "data/other.db");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to is not a PostgreSQL connection string", result.StdErr);
        Assert.Contains("Host=db.example.org;Database=aggregator", result.StdErr);
    }

    /// <summary>A connection to the PostgreSQL database a test migrated into.</summary>
    private sealed class ContentRootOnPostgres(string connectionString)
    {
        public async Task<Npgsql.NpgsqlConnection> OpenAsync()
        {
            var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            return connection;
        }
    }
}
