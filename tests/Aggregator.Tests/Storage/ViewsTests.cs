using System.Text.RegularExpressions;
using Aggregator.Parsing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>The views people query with sqlite3 (migration 0008) answer what the README says, and every example query
/// in the README's Database section runs against a real database.</summary>
public sealed partial class ViewsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-views-").FullName;
    private readonly Database _database;

    public ViewsTests() => _database = new Database(Path.Combine(_directory, "aggregator.db"));

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task SeedAsync(CancellationToken ct)
    {
        await _database.MigrateAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var feeds = new FeedStore(_database);
        await feeds.SyncAsync([new FeedDefinition("Alpha", new Uri("https://example.org/a"), null, ["news"]), new FeedDefinition("Beta", new Uri("https://example.org/b"), null, [])], now, ct);
        var ids = (await feeds.GetAllAsync(ct)).ToDictionary(f => f.Name, f => f.Id);
        await using (var write = await _database.BeginWriteAsync(ct))
        {
            FeedStore.RecordCheck(write, new FeedCheck { FeedId = ids["Alpha"], CheckedAt = now, NextCheckAt = now.AddMinutes(15), Succeeded = true, Status = 200 });
            FeedStore.RecordCheck(write, new FeedCheck { FeedId = ids["Beta"], CheckedAt = now, NextCheckAt = now.AddHours(1), Succeeded = false, Status = 503, Error = "HTTP 503", RetryAfter = now.AddHours(1) });
            var first = EntryStore.Insert(write, ids["Alpha"], EntryStore.Encode("id:1", new ParsedEntry { Id = "1", Title = "Iran and Russia", Link = "https://example.org/1" }, now, false))!.Value;
            var second = EntryStore.Insert(write, ids["Alpha"], EntryStore.Encode("id:2", new ParsedEntry { Id = "2", Title = "Iran and Russia again", Link = "https://example.org/1" }, now, false))!.Value;
            var old = EntryStore.Insert(write, ids["Alpha"], EntryStore.Encode("id:3", new ParsedEntry { Id = "3", Title = "Last month" }, now.AddDays(-30), false))!.Value;
            var match = (await new MatchStore().InsertAsync(write, first, "iran", ["Iran"], now))!.Value;
            await new MatchStore().InsertAsync(write, second, "iran", ["Iran"], now, duplicateOf: match);
            await new OutboxStore(_database).InsertAsync(write, "dlv-1", match, "ops", "{}", now, now, null);
            await new OutboxStore(_database).InsertAsync(write, "dlv-2", match, "email", "{}", now, now, null);
            _ = old;
            await write.CommitAsync(ct);
        }
        await new OutboxStore(_database).MarkDeadAsync(["dlv-2"], "SMTP 550: no such mailbox", ct);
    }

    [Fact]
    public async Task TheViewsAnswerWhatTheReadmeSays()
    {
        var ct = TestContext.Current.CancellationToken;
        await SeedAsync(ct);
        await using var connection = await _database.OpenAsync(ct);

        var alerts = (await connection.QueryAsync<(string DeliveryId, string Notifier, string Status, string Rule, string Feed, string Title)>(
            "SELECT delivery_id, notifier, status, rule, feed, title FROM alerts ORDER BY delivery_id")).ToList();
        Assert.Equal([("dlv-1", "ops", "pending", "iran", "Alpha", "Iran and Russia"), ("dlv-2", "email", "dead", "iran", "Alpha", "Iran and Russia")], alerts);

        var health = (await connection.QueryAsync<(string Name, string State, long Entries, string? RetryAfter)>(
            "SELECT name, state, entries, retry_after FROM feed_health ORDER BY name")).ToList();
        Assert.Equal(("Alpha", "ok", 3L), (health[0].Name, health[0].State, health[0].Entries));
        Assert.Equal(("Beta", "erroring", 0L), (health[1].Name, health[1].State, health[1].Entries));
        Assert.NotNull(health[1].RetryAfter);

        Assert.Equal(["Iran and Russia", "Iran and Russia again"], (await connection.QueryAsync<string>("SELECT title FROM recent_entries ORDER BY id")).ToList());
    }

    [Fact]
    public async Task EveryExampleQueryInTheReadmesDatabaseSectionRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        await SeedAsync(ct);
        var readme = File.ReadAllText(Path.Combine(AggregatorProcess.RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("## Database", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var statements = SqlBlock().Matches(section).SelectMany(m => m.Groups[1].Value.Split(';')).Select(s => s.Trim())
            .Where(s => s.Split('\n').Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("--", StringComparison.Ordinal))).ToList();
        Assert.True(statements.Count >= 5, $"found {statements.Count} example queries");
        await using var connection = await _database.OpenAsync(ct);
        foreach (var statement in statements)
        {
            try
            {
                await connection.QueryAsync(statement);
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                Assert.Fail($"README example failed: {ex.Message}\n{statement}");
            }
        }
        // The dead-letter example finds the dead alert, with its reason.
        var dead = statements.Single(s => s.Contains("status = 'dead'", StringComparison.Ordinal));
        Assert.Equal("SMTP 550: no such mailbox", (await connection.QuerySingleAsync(dead)).last_error);
    }

    [GeneratedRegex("```sql\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
