using Aggregator.Configuration;
using Aggregator.Parsing;
using Aggregator.Storage;
using Dapper;

namespace Aggregator.Tests.Storage;

public sealed class DatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-db-").FullName;

    private string DbPath => Path.Combine(_directory, "sub", "aggregator.db");

    [Fact]
    public async Task MigrationCreatesTheFileInWalModeAtTheLatestVersionAndCanRunAgain()
    {
        var database = new Database(DbPath);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Database.SchemaVersion, await connection.ExecuteScalarAsync<long>("PRAGMA user_version"));
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        var tables = (await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table'")).ToHashSet();
        Assert.Superset(new HashSet<string> { "feeds", "entries", "matches", "outbox" }, tables);
    }

    [Fact]
    public async Task AnEntrySeenAgainIsNotNewAndTimesAreIsoUtcText()
    {
        var database = new Database(DbPath);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        var feeds = new FeedStore(database);
        var now = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(2));
        await feeds.SyncAsync([new FeedDefinition("x", new Uri("https://example.com/x.xml"), null, ["t"])], now, TestContext.Current.CancellationToken);
        var feed = Assert.Single(await feeds.GetAllAsync(TestContext.Current.CancellationToken));
        Assert.Equal(now, feed.NextCheckAt);

        var entries = new EntryStore(database);
        var entry = new ParsedEntry { Id = "1", Title = "One", Published = now, Enclosures = [new Enclosure("https://example.com/1.mp3", "audio/mpeg", 42)] };
        long? first, again;
        await using (var write = await database.BeginWriteAsync(TestContext.Current.CancellationToken))
        {
            first = await entries.InsertAsync(write, feed.Id, "id:1", entry, now);
            again = await entries.InsertAsync(write, feed.Id, "id:1", entry with { Title = "One, edited" }, now);
            await write.CommitAsync(TestContext.Current.CancellationToken);
        }
        Assert.NotNull(first);
        Assert.Null(again);

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal("2026-11-23T08:00:00Z", await connection.ExecuteScalarAsync<string>("SELECT published_at FROM entries"));
        Assert.Equal("""[{"url":"https://example.com/1.mp3","type":"audio/mpeg","length":42}]""", await connection.ExecuteScalarAsync<string>("SELECT enclosures FROM entries"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries"));
    }

    [Fact]
    public async Task AFeedRemovedFromConfigIsDisabledButKeepsItsEntries()
    {
        var database = new Database(DbPath);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        var feeds = new FeedStore(database);
        var now = DateTimeOffset.UtcNow;
        await feeds.SyncAsync([
            new FeedDefinition("a", new Uri("https://example.com/a"), null, []),
            new FeedDefinition("b", new Uri("https://example.com/b"), null, []),
        ], now, TestContext.Current.CancellationToken);
        await feeds.SyncAsync([new FeedDefinition("a", new Uri("https://example.com/a"), null, [])], now, TestContext.Current.CancellationToken);
        var all = await feeds.GetAllAsync(TestContext.Current.CancellationToken);
        Assert.True(all.Single(f => f.Name == "a").Enabled);
        Assert.False(all.Single(f => f.Name == "b").Enabled);
        Assert.Single(await feeds.GetDueAsync(now, TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }
}
