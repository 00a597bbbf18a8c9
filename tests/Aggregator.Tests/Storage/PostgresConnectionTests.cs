using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>How PostgresDatabase sets up its connections and stores text: a pooled connection goes back to the pool after
/// each feed's write without the session reset (work for the server with nothing to undo), unless the user's connection
/// string asks for it; entries' text is compressed with lz4.</summary>
public sealed class PostgresConnectionTests
{
    private static async Task<string?> TimeoutAfterReuseAsync(string connectionString)
    {
        using var database = new PostgresDatabase(connectionString + ";Maximum Pool Size=1");
        await using (var first = await database.OpenAsync(TestContext.Current.CancellationToken))
            await first.ExecuteAsync("SET statement_timeout = '4321ms'"); // session state, as nothing of ours sets
        await using var second = await database.OpenAsync(TestContext.Current.CancellationToken); // the same connection
        return await second.ExecuteScalarAsync<string>("SHOW statement_timeout");
    }

    [Fact]
    public async Task APooledConnectionIsNotResetUnlessTheConnectionStringAsks()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        Assert.Equal("4321ms", await TimeoutAfterReuseAsync(connectionString));
        Assert.Equal("0", await TimeoutAfterReuseAsync(connectionString + ";No Reset On Close=false"));
        Assert.Equal("0", await TimeoutAfterReuseAsync(connectionString + ";NoResetOnClose=false"));
    }

    [Fact]
    public async Task EntriesTextIsCompressedWithLz4()
    {
        using var database = await TestDatabases.CreateAsync(StorageProvider.Postgres, "");
        var ct = TestContext.Current.CancellationToken;
        var feeds = new FeedStore(database);
        await feeds.SyncAsync([new FeedDefinition("x", new Uri("https://example.com/x.xml"), null, [])], DateTimeOffset.UtcNow, ct);
        var feed = Assert.Single(await feeds.GetAllAsync(ct)).Id;
        var text = string.Concat(Enumerable.Repeat("Hezbollah and Russia discuss the port deal again. ", 200));
        await using (var write = await database.BeginWriteAsync(ct))
        {
            await EntryStore.StoreAsync(write, feed, EntryStore.Encode("k", new Aggregator.Parsing.ParsedEntry { Id = "k", Summary = text, Content = text },
                DateTimeOffset.UtcNow, storeHtml: false, utf8: false));
            await write.CommitAsync(ct);
        }
        await using var connection = await database.OpenAsync(ct);
        Assert.Equal(("lz4", "lz4"), await connection.QuerySingleAsync<(string, string)>(
            "SELECT pg_column_compression(summary), pg_column_compression(content) FROM entries"));
    }
}
