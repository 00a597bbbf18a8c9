using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Docs;

/// <summary>The SQL examples of the README, read from README.md itself, run against a database that a poll has filled:
/// a duplicate story, a feed that fails, a delivery that gave up. What the README tells a user to type works, and
/// answers what its comment says.</summary>
public sealed partial class ReadmeSqlTests : IAsyncLifetime
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

    /// <summary>Each statement of each ```sql block, by the comment line above it.</summary>
    private static Dictionary<string, string> Examples()
    {
        var readme = File.ReadAllText(Path.Combine(AggregatorProcess.RepositoryRoot, "README.md"));
        var examples = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match block in SqlBlock().Matches(readme))
        {
            string? comment = null;
            var statement = new List<string>();
            foreach (var line in block.Groups[1].Value.Split('\n'))
            {
                if (line.StartsWith("--", StringComparison.Ordinal)) comment = line[2..].Trim();
                else if (line.Trim().Length > 0) statement.Add(line);
                if (!line.TrimEnd().EndsWith(';')) continue;
                examples[comment ?? $"statement {examples.Count + 1}"] = string.Join('\n', statement);
                (comment, statement) = (null, []);
            }
        }
        return examples;
    }

    [Fact]
    public async Task EverySqlExampleInTheReadmeRunsAndAnswersWhatItsCommentSays()
    {
        var examples = Examples();
        Assert.True(examples.Count >= 4, $"found {examples.Count} SQL examples in README.md");

        // The examples compare with SQLite's 'now', so the fake clock starts at the real time.
        var polledAt = DateTimeOffset.UtcNow;
        _root.WriteSettings(notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url } });
        _root.WriteFeeds($$"""
            { "feeds": [
              { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" },
              { "name": "Beta", "url": "{{_feeds.Url("/beta.xml")}}" },
              { "name": "Broken", "url": "{{_feeds.Url("/broken.xml")}}" }
            ] }
            """);
        _root.WriteRules("""{ "rules": [ { "name": "hezbollah-russia", "query": "Hezbollah AND Russia" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta"));
        _feeds.Handle("/broken.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });
        _webhook.Default = new ScriptedResponse(400, "no such channel"); // every delivery gives up
        await using var host = await TestHost.StartAsync(_root.Path, new FakeTimeProvider(polledAt), new FixedRandom(0));
        await host.PollAsync();
        // The same story through both feeds: one alert, and a match recorded as its duplicate.
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a-1", "New sanctions hit Hezbollah and Russia", Link: "https://news.example/story")));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", new Rss.Item("b-1", "New sanctions hit Hezbollah and Russia", Link: "https://news.example/story?utm_source=beta")));
        await host.PollAsync();

        await using var connection = await host.Database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM matches"));
        var results = new Dictionary<string, List<IDictionary<string, object?>>>();
        foreach (var (comment, sql) in examples)
        {
            try
            {
                results[comment] = [.. (await connection.QueryAsync(sql)).Cast<IDictionary<string, object?>>()];
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                Assert.Fail($"README example \"{comment}\" fails: {ex.Message}\n{sql}");
            }
        }

        List<IDictionary<string, object?>> Answer(string comment) =>
            results.TryGetValue(comment, out var rows) ? rows : throw new Xunit.Sdk.XunitException($"README.md has no SQL example \"-- {comment}\"; found: {string.Join(", ", results.Keys)}");

        // Alerts, not matches: the duplicate was recorded, not sent.
        var alerts = Assert.Single(Answer("Alerts per rule over the last 7 days"));
        Assert.Equal(("hezbollah-russia", 1L), ((string)alerts["rule"]!, (long)alerts["alerts"]!));

        var failing = Assert.Single(Answer("Feeds that are failing, and why"));
        Assert.Equal("Broken", failing["name"]);
        Assert.StartsWith("HTTP 500", (string)failing["last_error"]!);

        var dead = Assert.Single(Answer("Deliveries that gave up"));
        Assert.Equal("New sanctions hit Hezbollah and Russia", dead["title"]);
        Assert.Contains("answered 400", (string)dead["last_error"]!);

        // One story, sent from the feed stored first, and seen in the other.
        var story = Assert.Single(Answer("Each story alerted this week, and the other feeds it was seen in"));
        Assert.Equal("New sanctions hit Hezbollah and Russia", story["title"]);
        Assert.Equal(["Alpha", "Beta"], new[] { (string)story["sent_from"]!, (string)story["also_in"]! }.Order());

        var attempt = Assert.Single(Answer("Every attempt at the deliveries that gave up (what `aggregator outbox show ID` lists)"));
        Assert.Equal((dead["delivery_id"], "dead"), (attempt["outbox_id"], attempt["outcome"]));
        Assert.Contains("answered 400", (string)attempt["error"]!);

        // Both entries were stored "today", unless midnight (UTC) passed while the test ran.
        var today = Answer("What came in today, newest first");
        if (DateTimeOffset.UtcNow.Date == polledAt.Date)
            Assert.Equal(["Alpha", "Beta"], today.Select(r => (string)r["feed"]!).Order());
    }

    [GeneratedRegex(@"```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
