using System.Globalization;
using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`poll --dry-run`, `matches` and `rules test` as a user runs them: the real executable, feeds on a loopback
/// server, a webhook receiver, and a SQLite file or a PostgreSQL database of its own.</summary>
[Trait("Category", "EndToEnd")]
public abstract class StoryCommandTests(StorageProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : StoryCommandTests(StorageProvider.Sqlite);

    public sealed class OnPostgres() : StoryCommandTests(StorageProvider.Postgres);

    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
        _root.WriteSettings(notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url } });
        _root.WriteFeeds($$"""
            { "feeds": [
              { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" },
              { "name": "Beta",  "url": "{{_feeds.Url("/beta.xml")}}" }
            ] }
            """);
        _root.WriteRules("""{ "rules": [ { "name": "crimea", "query": "Sevastopol" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a0", "Weather in Crimea")));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta"));
        Assert.Equal(0, (await AggregatorProcess.RunAsync(_root.Path, "poll")).ExitCode); // the backlogs, not alerted
    }

    public async ValueTask DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    /// <summary>Every row of every table (the search index's own tables included, and on PostgreSQL schema_version), as
    /// text, and on SQLite the schema version.</summary>
    private async Task<List<string>> SnapshotAsync()
    {
        await using var connection = await _root.OpenDatabaseAsync();
        List<string> rows;
        IEnumerable<string> tables;
        if (provider == StorageProvider.Postgres)
        {
            rows = [];
            tables = await connection.QueryAsync<string>(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
        }
        else
        {
            rows = ["user_version " + await connection.ExecuteScalarAsync<long>("PRAGMA user_version")];
            tables = await connection.QueryAsync<string>(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name");
        }
        foreach (var table in tables)
        {
            // Sorted: PostgreSQL returns rows in no promised order.
            rows.AddRange((await connection.QueryAsync($"SELECT * FROM \"{table}\""))
                .Select(row => table + ": " + string.Join(" | ", ((IDictionary<string, object?>)row).Select(c => $"{c.Key}={Text(c.Value)}")))
                .Order(StringComparer.Ordinal));
        }
        return rows;
    }

    /// <summary>A column's value in full: bytes in hex, times to the tick (a rolled-back write must not hide in rounding).</summary>
    private static string? Text(object? value) => value switch
    {
        byte[] bytes => Convert.ToHexString(bytes),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString(),
    };

    [Fact]
    public async Task ADryRunPrintsWhatWouldBeSentAndWritesNothing()
    {
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Sevastopol harbour fire"), new Rss.Item("a0", "Weather in Sevastopol")));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Drones over Sevastopol")));
        var before = await SnapshotAsync();
        Assert.Contains(before, r => r.StartsWith("feeds: ", StringComparison.Ordinal) && r.Contains("etag=\"", StringComparison.Ordinal)); // the snapshot sees fetch state

        var dry = await AggregatorProcess.RunAsync(_root.Path, "poll", "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.StdOut + dry.StdErr);
        Assert.Contains("would send  [crimea]  Alpha  Sevastopol harbour fire  to ops", dry.StdOut);
        Assert.Contains("would send  [crimea]  Alpha  Updated: Weather in Sevastopol  to ops", dry.StdOut);
        Assert.Contains("would send  [crimea]  Beta  Drones over Sevastopol  to ops", dry.StdOut);
        Assert.Contains("3 matches would be sent, 0 duplicates; nothing was written or sent", dry.StdOut);
        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(_webhook.Requests);

        // The real poll afterwards finds the same entries new and sends them: the dry run used nothing up.
        var real = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.True(real.ExitCode == 0, real.StdOut + real.StdErr);
        Assert.Equal(3, _webhook.Requests.Count);
    }

    [Fact]
    public async Task MatchesAndRulesTestNameTheOtherFeedsAStoryWasSeenIn()
    {
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Sevastopol harbour fire destroys two Russian warships", Published: DateTimeOffset.UtcNow)));
        Assert.Equal(0, (await AggregatorProcess.RunAsync(_root.Path, "poll")).ExitCode);
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "Fire at Sevastopol harbour destroys two Russian warships", Published: DateTimeOffset.UtcNow)));
        var poll = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Contains("duplicate [crimea] Fire at Sevastopol harbour destroys two Russian warships: already sent from Alpha (Sevastopol harbour fire destroys two Russian warships)", poll.StdOut);
        Assert.Single(_webhook.Requests);

        var matches = await AggregatorProcess.RunAsync(_root.Path, "matches", "--rule", "crimea");
        Assert.True(matches.ExitCode == 0, matches.StdOut + matches.StdErr);
        var lines = matches.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"crimea  Beta  Fire at Sevastopol harbour destroys two Russian warships  \[duplicate of #\d+\]  also in: Alpha$", lines[0].TrimEnd());
        Assert.Matches(@"crimea  Alpha  Sevastopol harbour fire destroys two Russian warships  \[sent\]  also in: Beta$", lines[1].TrimEnd());

        var json = await AggregatorProcess.RunAsync(_root.Path, "matches", "--json");
        var first = JsonNode.Parse(json.StdOut.Split('\n')[0])!;
        Assert.Equal(("Beta", "duplicate", "Alpha"), (first["feed"]!.GetValue<string>(), first["state"]!.GetValue<string>(), first["alsoIn"]![0]!.GetValue<string>()));

        var test = await AggregatorProcess.RunAsync(_root.Path, "rules", "test", "crimea");
        Assert.True(test.ExitCode == 0, test.StdOut + test.StdErr);
        Assert.Contains("Beta  Fire at Sevastopol harbour destroys two Russian warships  [Sevastopol]  (duplicate, not sent)  also in: Alpha", test.StdOut);
        Assert.Contains("Alpha  Sevastopol harbour fire destroys two Russian warships  [Sevastopol]  also in: Beta", test.StdOut);
        var testJson = JsonNode.Parse((await AggregatorProcess.RunAsync(_root.Path, "rules", "test", "crimea", "--json")).StdOut)!;
        Assert.Contains(testJson["newest"]!.AsArray(), n => n!["feedName"]!.GetValue<string>() == "Beta"
            && n["duplicate"]!.GetValue<bool>() && n["alsoIn"]![0]!.GetValue<string>() == "Alpha");
    }

    [Fact]
    public async Task AnUnknownSinceIsAUsageError()
    {
        var result = await AggregatorProcess.RunAsync(_root.Path, "matches", "--since", "yesterday");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--since must be", result.StdErr);
    }
}
