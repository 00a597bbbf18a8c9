using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>The flood guard's counter: one row per rule, notifier and window, counted in the queueing transaction, right
/// when two nodes (two Database instances on the same storage) queue at once, on both engines.</summary>
public sealed class AlertCountStoreTests : IDisposable
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-counts-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(Database First, Database Second)> TwoNodesAsync(StorageProvider provider)
    {
        if (provider == StorageProvider.Postgres)
        {
            var connection = await PostgresServer.CreateDatabaseAsync();
            var first = new PostgresDatabase(connection);
            await first.MigrateAsync(Ct);
            return (first, new PostgresDatabase(connection));
        }
        var path = Path.Combine(_directory, "aggregator.db");
        var sqlite = new SqliteDatabase(path);
        await sqlite.MigrateAsync(Ct);
        return (sqlite, new SqliteDatabase(path));
    }

    private static async Task<long> AddAsync(Database database, string rule, DateTimeOffset window, string notifier = "ops")
    {
        await using var write = await database.BeginWriteAsync(Ct);
        var count = await AlertCountStore.AddAsync(write, rule, notifier, window);
        await write.CommitAsync(Ct);
        return count;
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task EachAlertGetsTheNextCountPerRuleNotifierAndWindowAndANewWindowStartsAgain(StorageProvider provider)
    {
        var (database, other) = await TwoNodesAsync(provider);
        using var _ = database;
        using var __ = other;
        var counts = new List<long>();
        for (var i = 0; i < 3; i++) counts.Add(await AddAsync(database, "r", Ten));
        Assert.Equal([1, 2, 3], counts);
        Assert.Equal(1, await AddAsync(database, "r", Ten, notifier: "email")); // per notifier
        Assert.Equal(1, await AddAsync(database, "other", Ten)); // per rule

        Assert.Equal(1, await AddAsync(database, "r", Ten.AddHours(1)));
        await using var connection = await database.OpenAsync(Ct);
        // The window that ended is gone; the other rule's and notifier's rows stay.
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM alert_counts"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM alert_counts WHERE rule = 'r' AND notifier = 'ops' AND alerts = 3"));

        // A rolled-back queueing leaves no count behind.
        await using (var write = await database.BeginWriteAsync(Ct))
            Assert.Equal(2, await AlertCountStore.AddAsync(write, "r", "ops", Ten.AddHours(1)));
        Assert.Equal(2, await AddAsync(database, "r", Ten.AddHours(1)));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task TwoNodesQueueingAtOnceNeverGetTheSameCount(StorageProvider provider)
    {
        var (first, second) = await TwoNodesAsync(provider);
        using var _ = first;
        using var __ = second;
        var counts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => AddAsync(i % 2 == 0 ? first : second, "r", Ten), Ct)));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), counts.Order());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
