using Aggregator.Parsing;
using Aggregator.Storage;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>The views people query with sqlite3 (migration 0008) answer what the README says. (The README's example
/// queries themselves are run by Docs/ReadmeSqlTests.)</summary>
public sealed class ViewsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-views-").FullName;
    private readonly Database _database;

    public ViewsTests() => _database = new SqliteDatabase(Path.Combine(_directory, "aggregator.db"));

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
            await FeedStore.RecordCheckAsync(write, new FeedCheck { FeedId = ids["Alpha"], CheckedAt = now, NextCheckAt = now.AddMinutes(15), Succeeded = true, Status = 200 });
            await FeedStore.RecordCheckAsync(write, new FeedCheck { FeedId = ids["Beta"], CheckedAt = now, NextCheckAt = now.AddHours(1), Succeeded = false, Status = 503, Error = "HTTP 503", RetryAfter = now.AddHours(1) });
            var first = (await EntryStore.InsertAsync(write, ids["Alpha"], EntryStore.Encode("id:1", new ParsedEntry { Id = "1", Title = "Iran and Russia", Link = "https://example.org/1" }, now, false)))!.Value;
            var second = (await EntryStore.InsertAsync(write, ids["Alpha"], EntryStore.Encode("id:2", new ParsedEntry { Id = "2", Title = "Iran and Russia again", Link = "https://example.org/1" }, now, false)))!.Value;
            var old = (await EntryStore.InsertAsync(write, ids["Alpha"], EntryStore.Encode("id:3", new ParsedEntry { Id = "3", Title = "Last month" }, now.AddDays(-30), false)))!.Value;
            var match = (await new MatchStore(_database).InsertAsync(write, first, "iran", ["Iran"], now))!.Value;
            await new MatchStore(_database).InsertAsync(write, second, "iran", ["Iran"], now, duplicateOf: match);
            await new OutboxStore(_database).InsertAsync(write, "dlv-1", match, "ops", "{}", now, now, null);
            await new OutboxStore(_database).InsertAsync(write, "dlv-2", match, "email", "{}", now, now, null);
            _ = old;
            await write.CommitAsync(ct);
        }
        await new OutboxStore(_database).MarkDeadAsync(["dlv-2"], now, "SMTP 550: no such mailbox", ct);
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
}
